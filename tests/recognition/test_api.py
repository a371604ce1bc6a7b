"""Recognition through the REST API: the same rules as the pages."""

from __future__ import annotations

import pytest

from studyhall.recognition import services
from studyhall.recognition.models import Kind, PointEvent
from tests.discussions.helpers import ask
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_leaderboard_for_members_and_404_for_outsiders(
    client, community, student, outsider
):
    PointEvent.objects.create(
        community=community,
        user=student,
        kind=Kind.KUDOS_RECEIVED,
        points=5,
        source_key="k",
    )
    client.force_login(student)

    mine = client.get(
        f"/api/v1/communities/{community.slug}/leaderboard?period=all"
    ).json()
    client.force_login(outsider)
    theirs = client.get(f"/api/v1/communities/{community.slug}/leaderboard")

    assert mine["items"][0]["handle"] == student.handle and mine["items"][0]["is_you"]
    assert theirs.status_code == 404


@pytest.mark.parametrize("size", [3, 30])
def test_leaderboard_api_query_count_is_flat(
    client, django_assert_num_queries, community, student, size
):
    for n in range(size):
        PointEvent.objects.create(
            community=community,
            user=make_member(community, "student"),
            kind=Kind.KUDOS_RECEIVED,
            points=n + 1,
            source_key=f"k{n}",
        )
    client.force_login(student)
    url = f"/api/v1/communities/{community.slug}/leaderboard?period=all"
    client.get(url)

    with django_assert_num_queries(7):
        assert len(client.get(url).json()["items"]) == min(size, 25)


def test_kudos_through_the_api(client, community, student, other_student):
    client.force_login(student)
    url = f"/api/v1/communities/{community.slug}/kudos"

    bad = client.post(
        url,
        {"recipient": other_student.handle, "note": ""},
        content_type="application/json",
    )
    made = client.post(
        url,
        {"recipient": other_student.handle, "note": "Thanks!"},
        content_type="application/json",
    )
    listed = client.get(url).json()

    assert bad.status_code == 422 and "note" in bad.json()["error"]["fields"]
    assert made.status_code == 201
    assert listed[0]["note"] == "Thanks!"


def test_private_feedback_through_the_api(
    client, community, student, other_student, instructor
):
    post = ask(student, community).posts.get(number=1)
    url = f"/api/v1/replies/{post.pk}/feedback"
    client.force_login(other_student)
    refused = client.post(url, {"body": "hi"}, content_type="application/json")
    client.force_login(instructor)
    client.post(url, {"body": "Private 991"}, content_type="application/json")

    client.force_login(other_student)
    peer = client.get(url).json()
    client.force_login(student)
    learner = client.get(url).json()

    assert refused.status_code == 403
    assert peer == []
    assert learner[0]["body"] == "Private 991"


def test_progress_and_award_through_the_api(client, community, owner, student):
    badge = services.define_badge(
        owner, community, name="Star", description="d", criteria="c"
    )
    award = services.award_badge(owner, badge, student)
    client.force_login(student)

    progress = client.get("/api/v1/me/progress").json()
    public = client.get(f"/api/v1/awards/{award.uid}").json()
    missing = client.get("/api/v1/awards/nope")

    assert progress["badges"][0]["badge"] == "Star"
    assert public["assertion_url"].endswith(f"/awards/{award.uid}/assertion.json")
    assert missing.status_code == 404


def test_point_rules_through_the_api(client, community, student):
    client.force_login(student)

    rules = client.get(f"/api/v1/communities/{community.slug}/point-rules").json()

    assert {
        "kind": "answer_accepted",
        "label": "Answer accepted",
        "points": 15,
        "daily_cap": None,
    } in rules


def test_certificates_through_the_api(client, community, owner, student):
    from studyhall.recognition import services as recognition

    certificate = recognition.issue_certificate(
        community, student, kind="completion", issued_by=owner
    )
    client.force_login(student)

    mine = client.get("/api/v1/me/progress").json()["certificates"]
    client.logout()
    public = client.get(f"/api/v1/certificates/{certificate.uid}").json()
    recognition.revoke_certificate(owner, certificate, reason="Issued in error")
    revoked = client.get(f"/api/v1/certificates/{certificate.uid}").json()
    missing = client.get("/api/v1/certificates/not-a-certificate")

    assert [c["id"] for c in mine] == [str(certificate.uid)]
    assert public["revoked"] is False
    assert public["verify_url"].endswith(f"/certificates/{certificate.uid}/")
    assert public["pdf_url"].endswith(
        f"/certificates/{certificate.uid}/certificate.pdf"
    )
    assert revoked["revoked"] is True
    assert revoked["revocation_reason"] == "Issued in error"
    assert missing.status_code == 404
