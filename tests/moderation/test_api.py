"""The moderation API: flags (with 429), the queue, actions, restrictions,
appeals and the audit log, with the same rules as the pages."""

from __future__ import annotations

import pytest

from studyhall.communities.models import Membership
from studyhall.discussions.models import Post
from studyhall.moderation import services
from studyhall.moderation.models import Case
from studyhall.moderation.registry import POST
from tests.api.conftest import error_code, get, send, signed_in
from tests.discussions.helpers import answer, ask
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply(community, student, other_student):
    return answer(other_student, ask(student, community), body="Spam body")


def test_member_flags_and_gets_201(reply, student):
    response = send(
        signed_in(student),
        "POST",
        "/flags",
        {"content_type": "post", "object_id": reply.pk, "reason": "spam"},
    )

    assert response.status_code == 201
    assert response.json()["case_id"] == Case.objects.get().pk


def test_flag_rate_limit_answers_429_with_retry_after(reply, student, settings):
    settings.MODERATION_FLAGS_PER_WINDOW = 0

    response = send(
        signed_in(student),
        "POST",
        "/flags",
        {"content_type": "post", "object_id": reply.pk, "reason": "spam"},
    )

    assert response.status_code == 429
    assert error_code(response) == "flag_rate_limited"
    assert int(response["Retry-After"]) > 0


def test_flag_errors(client, reply, student, outsider):
    body = {"content_type": "post", "object_id": reply.pk, "reason": "spam"}

    assert send(client, "POST", "/flags", body).status_code == 401
    assert send(signed_in(outsider), "POST", "/flags", body).status_code == 404
    unknown = {**body, "content_type": "planet"}
    assert send(signed_in(student), "POST", "/flags", unknown).status_code == 404
    bad = {**body, "reason": "boring"}
    assert send(signed_in(student), "POST", "/flags", bad).status_code == 422
    other = {**body, "reason": "other"}
    assert send(signed_in(student), "POST", "/flags", other).status_code == 422


def test_queue_action_appeal_and_log(
    community, reply, student, moderator, owner, other_student
):
    services.flag_content(student, POST, reply, reason="spam", note="ad")
    slug = community.slug

    queue = get(signed_in(moderator), f"/communities/{slug}/moderation/cases")
    assert queue.status_code == 200
    (item,) = queue.json()["items"]
    assert item["reasons"] == {"Spam": 1} and item["item"]["is_hidden"] is False
    assert item["age_seconds"] >= 0

    acted = send(
        signed_in(moderator),
        "POST",
        f"/communities/{slug}/moderation/items/post/{reply.pk}/actions",
        {"action": "hide", "reason": "Advertising"},
    )
    assert acted.status_code == 200 and acted.json()["resolution"] == "hidden"
    assert Post.objects.get(pk=reply.pk).is_hidden

    appealed = send(
        signed_in(other_student),
        "POST",
        f"/appeals/post/{reply.pk}",
        {"text": "Course link"},
    )
    assert appealed.status_code == 201
    again = send(
        signed_in(other_student), "POST", f"/appeals/post/{reply.pk}", {"text": "x"}
    )
    assert again.status_code == 409

    log = get(signed_in(owner), f"/communities/{slug}/moderation/log", {"kind": "hide"})
    assert [e["reason"] for e in log.json()["items"]] == ["Advertising"]
    assert log.json()["items"][0]["actor"] == moderator.handle


def test_students_get_403_on_moderation_routes(community, reply, student):
    slug = community.slug
    client = signed_in(student)

    assert get(client, f"/communities/{slug}/moderation/cases").status_code == 403
    assert get(client, f"/communities/{slug}/moderation/log").status_code == 403
    acted = send(
        client,
        "POST",
        f"/communities/{slug}/moderation/items/post/{reply.pk}/actions",
        {"action": "hide", "reason": "x"},
    )
    assert acted.status_code == 403


def test_item_of_another_community_is_404(community, reply, moderator):
    from tests.factories import CommunityFactory

    other = CommunityFactory()
    Membership.objects.create(community=other, user=moderator, role="moderator")

    response = send(
        signed_in(moderator),
        "POST",
        f"/communities/{other.slug}/moderation/items/post/{reply.pk}/actions",
        {"action": "hide", "reason": "x"},
    )

    assert response.status_code == 404


def test_moderator_restricts_through_the_api(community, moderator, other_student):
    membership = Membership.objects.get(community=community, user=other_student)

    response = send(
        signed_in(moderator),
        "POST",
        f"/communities/{community.slug}/moderation/members/{membership.pk}",
        {"action": "suspend", "days": 3, "reason": "Cooling off"},
    )
    missing = send(
        signed_in(moderator),
        "POST",
        f"/communities/{community.slug}/moderation/members/999999",
        {"action": "warn", "reason": "x"},
    )

    assert response.status_code == 200 and response.json()["suspended_until"]
    assert missing.status_code == 404


def test_queue_api_query_count_does_not_grow(
    community, moderator, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    author = make_member(community, "student")
    thread = ask(author, community)
    client = signed_in(moderator)
    url = f"/communities/{community.slug}/moderation/cases"

    def flag(n):
        for i in range(n):
            post = answer(author, thread, body=f"r{i}")
            services.case_for(POST, post)
        Case.objects.update(status=Case.Status.OPEN)

    def count():
        get(client, url)  # The first request of a session records the session.
        with CaptureQueriesContext(connection) as ctx:
            assert get(client, url).status_code == 200
        return len(ctx.captured_queries)

    flag(2)
    small = count()
    flag(30)

    assert count() == small


def test_owner_reads_workload_and_manages_blackouts(community, owner, moderator):
    from tests.factories import CategoryFactory

    exams = CategoryFactory(community=community, slug="exams")
    slug = community.slug

    load = get(signed_in(owner), f"/communities/{slug}/moderation/workload")
    refused = get(signed_in(moderator), f"/communities/{slug}/moderation/workload")
    made = send(
        signed_in(owner),
        "POST",
        f"/communities/{slug}/blackouts",
        {
            "starts_at": "2099-01-01T09:00:00Z",
            "ends_at": "2099-01-01T12:00:00Z",
            "notice": "Final exam",
            "categories": ["exams"],
        },
    )
    bad = send(
        signed_in(owner),
        "POST",
        f"/communities/{slug}/blackouts",
        {
            "starts_at": "2099-01-01T09:00:00Z",
            "ends_at": "2098-01-01T09:00:00Z",
            "notice": "",
        },
    )
    listed = get(signed_in(owner), f"/communities/{slug}/blackouts")

    assert load.status_code == 200 and load.json()["open_count"] == 0
    assert refused.status_code == 403
    assert made.status_code == 201 and made.json()["categories"] == [exams.slug]
    assert bad.status_code == 422
    assert [b["notice"] for b in listed.json()] == ["Final exam"]


def test_my_exports_through_the_api(student, django_capture_on_commit_callbacks):
    client = signed_in(student)

    with django_capture_on_commit_callbacks(execute=True):
        made = send(client, "POST", "/me/exports")
    listed = get(client, "/me/exports").json()

    assert made.status_code == 202
    assert listed[0]["status"] == "ready"
    assert listed[0]["download_url"].startswith("/privacy/my-data/exports/")
