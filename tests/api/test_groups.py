"""Study groups, library and live sessions through the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from studyhall.live import services as live_services
from tests.api.conftest import get, send, signed_in
from tests.factories import make_group, make_member

pytestmark = pytest.mark.django_db


def test_groups_are_created_found_and_joined(community, student, other_student):
    client = signed_in(student)

    made = send(
        client,
        "POST",
        f"/communities/{community.slug}/groups",
        {"name": "API group", "capacity": 3, "language": "English"},
    )
    assert made.status_code == 201
    gid = made.json()["id"]
    bad = send(
        client,
        "POST",
        f"/communities/{community.slug}/groups",
        {"name": "x", "capacity": 1},
    )
    assert bad.status_code == 422
    assert "capacity" in bad.json()["error"]["fields"]

    other = signed_in(other_student)
    found = get(other, f"/communities/{community.slug}/groups", {"language": "english"})
    assert [g["id"] for g in found.json()["items"]] == [gid]
    joined = send(other, "POST", f"/groups/{gid}/membership")
    assert joined.json()["status"] == "active"
    again = send(other, "POST", f"/groups/{gid}/membership")
    assert again.status_code == 409
    assert send(other, "DELETE", f"/groups/{gid}/membership").status_code == 204


def test_hidden_groups_are_404_in_the_api(community, student, other_student):
    group = make_group(student, community, visibility="hidden")
    other = signed_in(other_student)

    assert get(other, f"/groups/{group.pk}").status_code == 404
    assert get(other, f"/groups/{group.pk}/tasks").status_code == 404
    listing = get(other, f"/communities/{community.slug}/groups").json()
    assert listing["items"] == []


def test_tasks_and_sessions(community, student):
    group = make_group(student, community)
    client = signed_in(student)

    task = send(client, "POST", f"/groups/{group.pk}/tasks", {"title": "Read"}).json()
    moved = send(client, "PATCH", f"/tasks/{task['id']}", {"status": "done"})
    assert moved.json()["status"] == "done"
    start = (timezone.now() + dt.timedelta(days=2)).replace(tzinfo=None, microsecond=0)
    session = send(
        client,
        "POST",
        f"/groups/{group.pk}/sessions",
        {
            "title": "Weekly",
            "local_start": start.isoformat(),
            "time_zone": "Europe/Berlin",
            "rrule": "FREQ=WEEKLY;COUNT=4",
        },
    )
    assert session.status_code == 201, session.json()
    sid = session.json()["id"]
    past = send(
        client,
        "POST",
        f"/groups/{group.pk}/sessions",
        {"title": "Old", "local_start": "2001-01-01T10:00:00", "time_zone": "UTC"},
    )
    assert past.status_code == 422
    assert "starts_at" in past.json()["error"]["fields"]
    assert (
        send(client, "PUT", f"/sessions/{sid}/rsvp", {"answer": "going"}).status_code
        == 200
    )
    listed = get(client, f"/groups/{group.pk}/sessions").json()
    assert listed[0]["going_count"] == 1 and listed[0]["my_answer"] == "going"


def test_library_and_live_polls(community, student, instructor):
    client = signed_in(student)
    made = send(
        client,
        "POST",
        f"/communities/{community.slug}/library/bibtex",
        {"bibtex": "@misc{k, title={A talk}, year={2020}}"},
    )
    assert made.status_code == 201
    assert (
        get(client, f"/communities/{community.slug}/library").json()["items"][0][
            "title"
        ]
        == "A talk"
    )
    live = live_services.open_live_session(instructor, community, title="Live")
    poll = live_services.create_poll(instructor, live, question="Q", options=["a", "b"])
    option = poll.options.first().pk

    first = send(
        client, "POST", f"/live/{live.pk}/polls/{poll.pk}/votes", {"options": [option]}
    )
    second = send(
        client, "POST", f"/live/{live.pk}/polls/{poll.pk}/votes", {"options": [option]}
    )

    assert first.status_code == 201
    assert first.json()["polls"][0]["options"][0]["count"] == 1
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "already_voted"
    asked = send(client, "POST", f"/live/{live.pk}/questions", {"body": "Why?"})
    qid = asked.json()["questions"][0]["id"]
    peer = signed_in(make_member(community, "student"))
    up = send(peer, "POST", f"/live/{live.pk}/questions/{qid}/upvote")
    assert up.json()["questions"][0]["upvote_count"] == 1
