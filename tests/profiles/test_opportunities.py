"""The opportunities board: posting, who may, filters, bookmarks, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from studyhall.profiles import services
from studyhall.profiles.models import Opportunity

pytestmark = pytest.mark.django_db


def _post(user, community, **fields):
    data = {
        "kind": "internship",
        "title": "Summer data internship",
        "apply_url": "https://example.org/apply",
        "deadline": timezone.localdate() + timedelta(days=10),
        "tags": "Python, Data",
    }
    data.update(fields)
    return services.post_opportunity(user, community, **data)


def test_mentors_post_and_students_filter_and_bookmark(
    client, community, mentor, student
):
    _post(mentor, community)
    _post(mentor, community, kind="event", title="Careers fair", tags="Fair")
    client.force_login(student)
    url = reverse("profiles:opportunity-list", kwargs={"slug": community.slug})

    by_tag = client.get(url, {"tag": "python"})
    by_kind = client.get(url, {"kind": "event"})
    internship = Opportunity.objects.get(kind="internship")
    client.post(
        reverse(
            "profiles:opportunity-bookmark", kwargs={"opportunity_id": internship.pk}
        )
    )
    bookmarked = client.get(url, {"bookmarked": "1"})

    assert "Summer data internship" in by_tag.text
    assert "Careers fair" not in by_tag.text
    assert "Careers fair" in by_kind.text
    assert "Summer data internship" in bookmarked.text
    assert "Careers fair" not in bookmarked.text


def test_students_cannot_post(community, student):
    with pytest.raises(PermissionDenied):
        _post(student, community)


def test_expired_opportunities_hide_themselves(client, community, mentor, student):
    old = _post(mentor, community, title="Closed role")
    Opportunity.objects.filter(pk=old.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(student)

    page = client.get(
        reverse("profiles:opportunity-list", kwargs={"slug": community.slug})
    )

    assert "Closed role" not in page.text


def test_bad_input_keeps_the_form(client, community, mentor):
    client.force_login(mentor)

    response = client.post(
        reverse("profiles:opportunity-create", kwargs={"slug": community.slug}),
        {
            "kind": "job",
            "title": "Typed title",
            "apply_url": "not a url",
            "deadline": "2001-01-01",
        },
    )

    assert response.status_code == 400
    assert 'value="Typed title"' in response.text
    assert "The deadline has already passed." in response.text
    assert "Enter a full address" in response.text


def test_post_through_the_page_and_remove(client, community, mentor):
    client.force_login(mentor)
    deadline = (timezone.localdate() + timedelta(days=3)).isoformat()

    created = client.post(
        reverse("profiles:opportunity-create", kwargs={"slug": community.slug}),
        {
            "kind": "research",
            "title": "RA position",
            "apply_url": "https://example.org/ra",
            "deadline": deadline,
            "description": "**Paid**",
        },
    )
    found = Opportunity.objects.get(title="RA position")
    detail = client.get(created["Location"])
    client.post(
        reverse("profiles:opportunity-delete", kwargs={"opportunity_id": found.pk})
    )

    assert "<strong>Paid</strong>" in detail.text
    assert not Opportunity.objects.filter(pk=found.pk).exists()


def test_outsiders_see_nothing_of_a_private_board(client, community, mentor, outsider):
    found = _post(mentor, community)
    client.force_login(outsider)

    listing = client.get(
        reverse("profiles:opportunity-list", kwargs={"slug": community.slug})
    )
    detail = client.get(
        reverse("profiles:opportunity-detail", kwargs={"opportunity_id": found.pk})
    )

    assert listing.status_code == 404
    assert detail.status_code == 404


def test_too_many_tags_are_refused(community, mentor):
    with pytest.raises(ValidationError) as error:
        _post(mentor, community, tags=", ".join(f"t{i}" for i in range(20)))

    assert "tags" in error.value.message_dict


def test_api_lists_posts_and_bookmarks(community, mentor, student):
    from tests.api.conftest import send, signed_in

    created = send(
        signed_in(mentor),
        "POST",
        f"/communities/{community.slug}/opportunities",
        {
            "kind": "job",
            "title": "Data engineer",
            "apply_url": "https://example.org/job",
            "deadline": (timezone.localdate() + timedelta(days=5)).isoformat(),
            "tags": "SQL",
        },
    )
    marked = send(
        signed_in(student), "POST", f"/opportunities/{created.json()['id']}/bookmark"
    )
    listed = send(
        signed_in(student),
        "GET",
        f"/communities/{community.slug}/opportunities?tag=sql",
    )
    refused = send(
        signed_in(student),
        "POST",
        f"/communities/{community.slug}/opportunities",
        {
            "kind": "job",
            "title": "x",
            "apply_url": "https://e.org",
            "deadline": "2030-01-01",
        },
    )

    assert created.status_code == 201
    assert marked.json()["is_bookmarked"] is True
    assert listed.json()["items"][0]["title"] == "Data engineer"
    assert refused.status_code == 403
