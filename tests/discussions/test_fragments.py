"""Post fragments: served from the cache only to a viewer with the very same card."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse

from studyhall.communities.models import Community
from studyhall.discussions import fragments, services
from tests.discussions.helpers import answer, ask

pytestmark = pytest.mark.django_db


def page(client, thread, user=None):
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    return client.get(reverse("discussions:thread-detail", args=[thread.pk]))


def test_a_peer_never_receives_the_fragment_the_author_or_staff_saw(
    client, community, student, mentor, instructor
):
    community.anonymity = Community.Anonymity.ANONYMOUS_TO_PEERS
    community.visibility = Community.Visibility.PUBLIC
    community.save()
    student.display_name = "Shy Sam"
    student.save()
    thread = ask(student, community, title="A shy question", is_anonymous=True)
    edit_url = reverse("discussions:post-edit", args=[thread.posts.get().pk])

    own = page(client, thread, student).content.decode()
    staff = page(client, thread, instructor).content.decode()
    peer = page(client, thread, mentor).content.decode()
    visitor = page(client, thread).content.decode()

    assert edit_url in own and "Shy Sam" in staff
    for html in (peer, visitor):
        assert "Shy Sam" not in html and student.handle not in html
        assert edit_url not in html and "Anonymous" in html


def test_forms_carry_the_viewers_own_csrf_token(client, community, student, mentor):
    thread = ask(student, community)
    answer(mentor, thread)

    page(client, thread, mentor)
    html = page(client, thread, student).content.decode()

    token = client.cookies["csrftoken"].value
    assert fragments.CSRF_PLACEHOLDER not in html and "\x00" not in html
    assert html.count('name="csrfmiddlewaretoken"') > 1
    assert 'name="csrfmiddlewaretoken" value=""' not in html
    assert len(token) > 0


def test_changes_show_at_once_though_the_old_fragment_is_cached(
    client, community, student, mentor, instructor
):
    community.visibility = Community.Visibility.PUBLIC
    community.save()
    thread = ask(student, community)
    reply = answer(mentor, thread, body="First **draft** of the answer.")
    page(client, thread)

    services.edit_post(mentor, reply, body="Second version, corrected.")
    services.toggle_reaction(student, reply, kind="thanks")
    services.endorse_post(instructor, reply)
    mentor.display_name = "Renamed Mentor"
    mentor.save()
    html = page(client, thread).content.decode()

    assert "Second version, corrected." in html and "First" not in html
    assert "Thanks 1" in html or "Thanks <span>1</span>" in html
    assert "Endorsed by" in html and "Renamed Mentor" in html


def test_a_second_view_renders_no_post_template(client, community, student, mentor):
    thread = ask(student, community)
    for _ in range(3):
        answer(mentor, thread)
    page(client, thread, mentor)

    with mock.patch.object(
        fragments, "render_card", wraps=fragments.render_card
    ) as render:
        page(client, thread, mentor)
        page(client, thread, student)

    # The mentor's cards were all cached; the student's differ (reaction
    # buttons on others' posts, Edit on their own), so only theirs render.
    assert render.call_count == 4
