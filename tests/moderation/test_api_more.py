"""The rest of the moderation and data-rights API: thread actions, settings,
my moderation notices, account deletion and sessions."""

from __future__ import annotations

import pytest

from studyhall.accounts.models import User
from studyhall.discussions.models import Thread
from studyhall.moderation import services
from studyhall.moderation.registry import POST
from studyhall.privacy.models import AccountDeletion
from studyhall.security.models import ActiveSession
from tests.api.conftest import error_code, get, send, signed_in
from tests.discussions.helpers import answer, ask
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_moderators_lock_move_and_slow_a_thread(community, student, moderator):
    thread = ask(student, community)
    url = f"/communities/{community.slug}/moderation/threads/{thread.pk}"

    locked = send(
        signed_in(moderator), "POST", url, {"action": "lock", "reason": "Done"}
    )
    slowed = send(signed_in(moderator), "POST", url, {"action": "slow", "seconds": 60})
    moved = send(signed_in(moderator), "POST", url, {"action": "move"})
    refused = send(signed_in(student), "POST", url, {"action": "unlock"})
    missing = send(
        signed_in(moderator), "POST", url, {"action": "move", "category": "nope"}
    )

    assert locked.json()["is_locked"] is True
    assert slowed.json()["slow_mode_seconds"] == 60
    assert moved.json()["category"] is None
    assert refused.status_code == 403
    assert missing.status_code == 404
    assert Thread.objects.get(pk=thread.pk).is_locked


def test_owners_read_and_replace_the_settings(community, owner, moderator):
    url = f"/communities/{community.slug}/moderation/settings"

    put = send(
        signed_in(owner),
        "PUT",
        url,
        {"auto_hide_threshold": 5, "guidelines": "Be *kind*", "word_filter": ""},
    )
    bad = send(
        signed_in(owner),
        "PUT",
        url,
        {"auto_hide_threshold": 5, "word_filter": "spam = explode"},
    )

    assert put.status_code == 200 and "<em>kind</em>" in put.json()["guidelines_html"]
    assert get(signed_in(owner), url).json()["auto_hide_threshold"] == 5
    assert bad.status_code == 422
    assert get(signed_in(moderator), url).status_code == 403


def test_authors_read_their_hidden_content_and_notices(
    community, student, other_student, moderator
):
    reply = answer(other_student, ask(student, community), body="Ad")
    services.moderate_content(moderator, POST, reply, action="hide", reason="Spam")

    mine = get(signed_in(other_student), "/me/moderation").json()

    (hidden,) = mine["hidden"]
    assert hidden["content_type"] == "post" and hidden["can_appeal"] is True
    assert hidden["reason"] == "Spam" and mine["notices"] == []
    assert moderator.handle not in str(mine)


def test_deleting_an_account_through_the_api(community):
    person = make_member(community, "student")
    person.set_password("correct horse battery")
    person.save()
    client = signed_in(person)

    wrong = send(client, "POST", "/me/deletion", {"mode": "erase", "password": "x"})
    asked = send(
        client,
        "POST",
        "/me/deletion",
        {"mode": "keep", "password": "correct horse battery"},
    )
    shown = get(client, "/me/deletion").json()
    cancelled = send(client, "DELETE", "/me/deletion")

    assert wrong.status_code == 422 and error_code(wrong) == "validation_error"
    assert asked.status_code == 202 and shown["mode"] == "keep"
    assert cancelled.status_code == 204
    assert not AccountDeletion.objects.exists()
    assert get(client, "/me/deletion").json() is None
    assert User.objects.get(pk=person.pk).is_active


def test_sessions_are_listed_and_ended(client, student):
    client.force_login(student)
    client.get("/")
    other = ActiveSession.objects.create(user=student, session_key="x" * 32)

    listed = get(client, "/me/sessions").json()
    ended = send(client, "DELETE", f"/me/sessions/{other.pk}")
    missing = send(client, "DELETE", f"/me/sessions/{other.pk}")
    ActiveSession.objects.create(user=student, session_key="y" * 32)
    others = send(client, "DELETE", "/me/sessions")

    assert len(listed) == 2 and sum(s["is_current"] for s in listed) == 1
    assert ended.status_code == 204 and missing.status_code == 404
    assert others.json() == {"ended": 1}
    assert ActiveSession.objects.filter(user=student).count() == 1
