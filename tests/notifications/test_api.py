"""The notifications API: the same services and selectors as the pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studyhall.notifications import services
from studyhall.notifications.models import Kind, Level, Subscription
from tests.api.conftest import get, send, signed_in
from tests.discussions.helpers import answer, ask

pytestmark = pytest.mark.django_db


def _reply_notification(community, student, author):
    thread = ask(student, community)
    post = answer(author, thread)
    post.thread = thread
    return services.notify(
        student, Kind.REPLY, actor=author, target=post, url=services.post_url(post)
    )


def test_list_unread_and_read(community, student, other_student):
    n = _reply_notification(community, student, other_student)
    assert n is not None
    client = signed_in(student)

    listed = get(client, "/notifications").json()
    unread = get(client, "/notifications/unread").json()
    marked = send(client, "POST", f"/notifications/{n.pk}/read").json()
    after = get(client, "/notifications", {"unread": "true"}).json()

    assert listed["items"][0]["text"] == (
        f"{other_student.display_name} replied in “How do I invert a matrix?”"
    )
    assert listed["items"][0]["url"].endswith("#post-2")
    assert unread["unread"] == 1 and unread["sequence"] >= 1
    assert marked["is_read"] is True
    assert after["items"] == []


def test_read_all(community, student, other_student):
    _reply_notification(community, student, other_student)
    services.notify(student, Kind.BADGE, text="Badge")
    client = signed_in(student)

    response = send(client, "POST", "/notifications/read-all")

    assert response.json() == {"marked": 2}


def test_someone_elses_notification_is_404(community, student, other_student):
    n = services.notify(other_student, Kind.BADGE, text="theirs")
    assert n is not None

    response = send(signed_in(student), "POST", f"/notifications/{n.pk}/read")

    assert response.status_code == 404


def test_anonymous_visitors_get_401(client):
    assert get(client, "/notifications").status_code == 401


def test_list_costs_the_same_with_few_or_many(community, student, other_student):
    client = signed_in(student)

    def cost(count: int) -> int:
        for i in range(count):
            _reply_notification(community, student, other_student)
            services.notify(student, Kind.BADGE, text=f"b{i}")
        with CaptureQueriesContext(connection) as captured:
            assert get(client, "/notifications", {"limit": 100}).status_code == 200
        return len(captured)

    assert cost(2) == cost(20)


def test_subscriptions_put_and_list(community, student, other_student):
    thread = ask(other_student, community)
    client = signed_in(student)

    put = send(
        client,
        "PUT",
        "/notifications/subscriptions",
        {"target_type": "thread", "target_id": thread.pk, "level": "watching"},
    )
    listed = get(client, "/notifications/subscriptions").json()
    bad = send(
        client,
        "PUT",
        "/notifications/subscriptions",
        {"target_type": "person", "target_id": other_student.pk, "level": "watching"},
    )

    assert put.status_code == 200
    assert put.json()["label"] == thread.title
    assert listed == [
        {
            "target_type": "thread",
            "target_id": thread.pk,
            "level": "watching",
            "label": thread.title,
        }
    ]
    assert bad.status_code == 422
    assert Subscription.objects.get(user=student).level == Level.WATCHING


def test_subscribing_to_a_hidden_thread_is_404(community, student, outsider):
    thread = ask(student, community)

    response = send(
        signed_in(outsider),
        "PUT",
        "/notifications/subscriptions",
        {"target_type": "thread", "target_id": thread.pk, "level": "watching"},
    )

    assert response.status_code == 404


def test_preferences_get_and_patch(student):
    client = signed_in(student)

    before = get(client, "/notifications/preferences").json()
    patched = send(
        client,
        "PATCH",
        "/notifications/preferences",
        {"digest": "weekly", "time_zone": "Europe/Berlin", "daily_email_cap": 5},
    )
    bad = send(
        client, "PATCH", "/notifications/preferences", {"time_zone": "Nowhere/Land"}
    )

    assert before["digest"] == "daily" and before["time_zone"] == "UTC"
    assert patched.json()["digest"] == "weekly"
    assert patched.json()["daily_email_cap"] == 5
    assert bad.status_code == 422
    assert "time_zone" in bad.json()["error"]["fields"]
