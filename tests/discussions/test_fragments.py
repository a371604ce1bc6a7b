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


def test_copies_in_the_process_expire_and_are_bounded(
    client, community, student, mentor, monkeypatch
):
    from django.core.cache import cache

    thread = ask(student, community)
    answer(mentor, thread)
    clock = [1000.0]
    monkeypatch.setattr(fragments.time, "monotonic", lambda: clock[0])
    page(client, thread, mentor)
    assert len(fragments._local) == 2

    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as shared:
        page(client, thread, mentor)
        assert shared.call_count == 0  # served from the process's copies
        clock[0] += fragments.LOCAL_SECONDS
        page(client, thread, mentor)
        assert shared.call_count == 1  # expired: asked the shared cache again

    monkeypatch.setattr(fragments, "LOCAL_ENTRIES", 1)
    clock[0] += fragments.LOCAL_SECONDS
    page(client, thread, mentor)
    assert len(fragments._local) == 1


def test_forgetting_a_post_removes_every_fragment_of_it(
    client, community, student, mentor, instructor
):
    from django.core.cache import cache

    thread = ask(student, community)
    reply = answer(mentor, thread)
    for viewer in (student, mentor, instructor, None):
        page(client, thread, viewer)
    count = cache.get(f"{fragments.COUNT_PREFIX}{reply.pk}")
    assert count >= 3
    slots = [f"{fragments.SLOT_PREFIX}{reply.pk}:{n}" for n in range(count)]
    keys = list(cache.get_many(slots).values())
    assert len(keys) == count and all(cache.get(k) for k in keys)

    fragments.forget_posts([reply.pk])

    assert cache.get_many([*keys, *slots]) == {}
    assert not fragments._local
    # The opening post's fragments stay.
    opening = cache.get(f"{fragments.COUNT_PREFIX}{thread.posts.get(number=1).pk}")
    assert opening >= 3


def test_a_post_beyond_the_index_limit_is_kept_only_in_the_process(
    client, community, student, mentor, instructor, monkeypatch
):
    from django.core.cache import cache

    monkeypatch.setattr(fragments, "INDEXED_PER_POST", 1)
    thread = ask(student, community)
    reply = answer(mentor, thread, body="Only words")
    page(client, thread, student)
    page(client, thread, instructor)

    slot = cache.get(f"{fragments.SLOT_PREFIX}{reply.pk}:0")
    assert cache.get(f"{fragments.SLOT_PREFIX}{reply.pk}:1") is None
    fragments.forget_posts([reply.pk])
    assert cache.get(slot) is None
    # Nothing of the post is left anywhere, and pages still render it.
    assert "Only words" in page(client, thread, student).content.decode()


def test_deleting_a_post_removes_its_fragments(
    client, community, student, mentor, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    thread = ask(student, community)
    reply = answer(mentor, thread, body="Soon gone words")
    page(client, thread, student)
    slot = cache.get(f"{fragments.SLOT_PREFIX}{reply.pk}:0")
    assert "Soon gone words" in cache.get(slot)

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_post(mentor, reply)

    assert cache.get(slot) is None
