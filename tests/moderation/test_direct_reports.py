"""Reporting direct messages to the site's administrators: who may report,
what is shared (the message and 0-5 earlier ones), the site's queue, case page
and log (404 for anyone else), each action, the mute, notices and appeals,
through the pages and the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import Block, User
from studyhall.chat import services as chat
from studyhall.chat.models import Message
from studyhall.communities.models import Membership
from studyhall.core.errors import DomainError
from studyhall.moderation import direct, services
from studyhall.moderation.models import Appeal, AuditEntry, Case, Flag
from studyhall.notifications.models import Notification
from studyhall.policy import Action
from tests.api.conftest import get, send, signed_in
from tests.chat.helpers import say
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return UserFactory(is_staff=True, handle="siteadmin", display_name="Site Admin")


@pytest.fixture
def dm(student, other_student):
    return chat.start_conversation(student, [other_student])


@pytest.fixture
def bad(dm, student, other_student):
    """Six messages, then the one reported: other_student's insult."""
    for i in range(6):
        say(student if i % 2 else other_student, dm, body=f"Earlier {i}")
    return say(other_student, dm, body="You are an idiot")


def report(reporter, message, **kw):
    kw.setdefault("reason", "harassment")
    return direct.report_direct_message(reporter, message, **kw)


def fresh(person):
    person = User.objects.get(pk=person.pk)
    policy.forget(person)
    return person


# --- reporting ------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 5])
def test_report_shares_the_message_and_the_chosen_earlier_ones(student, bad, count):
    flag = report(student, bad, context_count=count, note="Please look")

    shared = flag.context
    assert len(shared) == count + 1
    assert shared[-1]["id"] == bad.pk and shared[-1]["reported"]
    assert [e["html"].strip() for e in shared[:-1]] == [
        f"<p>Earlier {i}</p>" for i in range(6 - count, 6)
    ]
    case = flag.case
    assert case.community_id is None and case.content_type == "direct_message"
    assert case.author_id == bad.author_id and case.status == Case.Status.OPEN


def test_context_outside_0_to_5_is_refused(student, bad):
    with pytest.raises(ValidationError) as error:
        report(student, bad, context_count=6)

    assert "context_count" in error.value.message_dict
    assert not Flag.objects.exists()


def test_deleted_earlier_messages_are_not_shared(student, other_student, dm, bad):
    earlier = Message.objects.get(room=dm, number=bad.number - 1)
    chat.delete_message(earlier.author, earlier)

    flag = report(student, bad, context_count=2)

    assert earlier.pk not in [e["id"] for e in flag.context]
    assert len(flag.context) == 3


def test_only_participants_other_than_the_author_may_report(
    student, other_student, moderator, owner, admin, bad
):
    assert policy.can(student, Action.FLAG, bad)
    for person in (other_student, moderator, owner, admin):
        policy.forget(person)
        assert not policy.can(person, Action.FLAG, bad)
    with pytest.raises(PermissionDenied):
        report(moderator, bad)


def test_reporting_twice_is_refused(student, bad):
    report(student, bad)

    with pytest.raises(DomainError):
        report(student, bad)


def test_report_can_block_the_author(student, other_student, bad):
    report(student, bad, block_author=True)

    assert Block.objects.filter(blocker=student, blocked=other_student).exists()


def test_report_page_says_who_sees_what_and_keeps_typed_text(client, student, bad):
    client.force_login(student)
    url = reverse("moderation:dm-report", args=[bad.pk])

    page = client.get(url).content.decode()
    refused = client.post(url, {"reason": "other", "note": "", "context_count": "2"})

    assert "will not see anything else of this conversation" in page
    assert "Earlier 5" in page
    assert refused.status_code == 400
    assert 'value="2" selected' in refused.content.decode()


def test_participant_reports_from_the_page(client, student, bad, dm):
    client.force_login(student)
    room = client.get(reverse("chat:room-detail", args=[dm.pk])).content.decode()
    assert reverse("moderation:dm-report", args=[bad.pk]) in room

    response = client.post(
        reverse("moderation:dm-report", args=[bad.pk]),
        {
            "reason": "harassment",
            "note": "Again",
            "context_count": "3",
            "block_author": "on",
        },
    )

    assert response.status_code == 302
    flag = Flag.objects.get()
    assert len(flag.context) == 4 and flag.note == "Again"
    assert Block.objects.filter(blocker=student).exists()


def test_non_participants_get_404_on_the_report_page(client, moderator, admin, bad):
    for person in (moderator, admin):
        client.force_login(person)
        url = reverse("moderation:dm-report", args=[bad.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "spam"}).status_code == 404
    client.force_login(moderator)
    flag_url = reverse("moderation:flag-create", args=["message", bad.pk])
    assert client.post(flag_url, {"reason": "spam"}).status_code == 404
    assert not Flag.objects.exists()


def test_author_cannot_report_their_own_message(client, other_student, bad):
    client.force_login(other_student)

    response = client.get(reverse("moderation:dm-report", args=[bad.pk]))

    assert response.status_code == 403


# --- the site's pages -------------------------------------------------------------------


def site_urls(case):
    return [
        reverse("moderation:site-queue"),
        reverse("moderation:site-case", args=[case.pk]),
        reverse("moderation:site-log"),
    ]


def test_site_pages_are_404_for_everyone_but_administrators(
    client, student, other_student, owner, moderator, bad
):
    case = report(student, bad).case

    for person in (student, other_student, owner, moderator):
        client.force_login(person)
        for url in site_urls(case):
            assert client.get(url).status_code == 404, (person, url)


def test_admin_sees_only_what_the_report_shared(client, student, admin, bad):
    case = report(student, bad, context_count=1, note="Rude").case
    client.force_login(admin)

    queue = client.get(reverse("moderation:site-queue")).content.decode()
    page = client.get(reverse("moderation:site-case", args=[case.pk])).content.decode()

    assert reverse("moderation:site-case", args=[case.pk]) in queue
    assert "You are an idiot" in page and "Earlier 5" in page and "Rude" in page
    assert "Earlier 4" not in page
    assert student.display_name in page


def test_admin_cannot_open_the_conversation_itself(client, student, admin, bad, dm):
    report(student, bad)
    client.force_login(admin)

    assert client.get(reverse("chat:room-detail", args=[dm.pk])).status_code == 404
    assert client.get(reverse("chat:message-detail", args=[bad.pk])).status_code == 404


def test_unknown_case_is_404(client, admin):
    client.force_login(admin)

    assert client.get(reverse("moderation:site-case", args=[999999])).status_code == 404


def test_community_cases_are_not_site_cases(client, admin, community, student):
    from tests.discussions.helpers import answer, ask

    post = answer(student, ask(student, community))
    case = services.case_for(services.kind_named("post"), post)
    client.force_login(admin)

    assert (
        client.get(reverse("moderation:site-case", args=[case.pk])).status_code == 404
    )


# --- actions ----------------------------------------------------------------------------


def act(admin, case, action, **kw):
    kw.setdefault("reason", "Against the rules")
    return direct.moderate_site_case(admin, case, action=action, **kw)


def test_dismiss_resolves_and_tells_the_reporter(
    student, other_student, admin, bad, django_capture_on_commit_callbacks
):
    case = report(student, bad).case

    with django_capture_on_commit_callbacks(execute=True):
        act(admin, case, "dismiss", reason="")

    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED and case.resolution == "dismissed"
    assert AuditEntry.objects.get(kind="dismiss", community=None).actor == admin
    assert Notification.objects.filter(recipient=student, kind="moderation").exists()
    assert not Notification.objects.filter(recipient=other_student).exists()


def test_delete_removes_the_message_softly_and_tells_both(
    client, student, other_student, admin, bad, django_capture_on_commit_callbacks
):
    case = report(student, bad).case
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("moderation:site-case", args=[case.pk]),
            {"action": "delete", "reason": "Insult"},
        )

    assert response.status_code == 302
    bad.refresh_from_db()
    assert bad.is_deleted and bad.deleted_by == admin
    entry = AuditEntry.objects.get(kind="delete")
    assert entry.community is None and entry.target == other_student
    assert entry.reason == "Insult"
    notes = Notification.objects.filter(kind="moderation")
    assert {n.recipient_id for n in notes} == {student.pk, other_student.pk}
    assert all(n.actor_id is None for n in notes)


def test_warn_is_a_notice_for_the_author(client, student, other_student, admin, bad):
    case = report(student, bad).case

    act(admin, case, "warn", reason="Be kind")

    client.force_login(other_student)
    mine = client.get(reverse("moderation:mine")).content.decode()
    assert "the site's administrators" in mine and "Be kind" in mine


def test_mute_stops_the_author_starting_or_sending_direct_messages(
    client, student, other_student, admin, bad, dm, community
):
    case = report(student, bad).case

    act(admin, case, "mute", days=3)

    muted = fresh(other_student)
    assert muted.dm_muted_until > timezone.now()
    assert policy.is_dm_muted(muted)
    with pytest.raises(PermissionDenied) as error:
        chat.send_message(muted, dm, body="Still here")
    assert "paused your direct messages" in str(error.value)
    with pytest.raises(PermissionDenied):
        chat.start_conversation(fresh(muted), [make_member(community, "student")])
    client.force_login(muted)
    response = client.post(reverse("chat:message-send", args=[dm.pk]), {"body": "hi"})
    assert response.status_code == 403
    assert "paused your direct messages" in response.content.decode()
    api = send(signed_in(muted), "POST", f"/rooms/{dm.pk}/messages", {"body": "hi"})
    assert api.status_code == 403
    assert AuditEntry.objects.get(kind="dm_mute").until == muted.dm_muted_until


def test_muted_author_still_posts_in_community_rooms(
    student, other_student, admin, bad, community, instructor
):
    from tests.chat.helpers import open_room

    room = open_room(instructor, community)
    chat.join_room(other_student, room)
    act(admin, report(student, bad).case, "mute", days=1)

    message = say(fresh(other_student), room, body="On topic")

    assert message.pk


def test_suspend_bars_the_author_everywhere_for_the_days(
    student, other_student, admin, bad, community
):
    act(admin, report(student, bad).case, "suspend", days=7)

    person = fresh(other_student)
    assert not policy.can(person, Action.VIEW, community)
    assert policy.is_dm_muted(person)
    until = Membership.objects.get(user=person, community=community).suspended_until
    assert until == person.dm_muted_until


def test_mute_and_suspend_need_days_and_a_reason(student, admin, bad):
    case = report(student, bad).case

    for kw in ({"days": None}, {"days": 0}, {"days": 3, "reason": ""}):
        with pytest.raises(ValidationError):
            act(admin, case, "mute", **kw)
    assert not AuditEntry.objects.exists()


def test_administrators_are_not_suspended_from_here(student, admin, dm, community):
    other_admin = make_member(community, "student", is_staff=True)
    room = chat.start_conversation(student, [other_admin])
    message = say(other_admin, room, body="Rude admin")
    case = report(student, message).case

    with pytest.raises(DomainError):
        act(admin, case, "suspend", days=2)


def test_community_moderators_cannot_act_on_site_cases(student, owner, moderator, bad):
    case = report(student, bad).case

    for person in (owner, moderator, student):
        with pytest.raises(Http404):
            act(person, case, "delete")
    bad.refresh_from_db()
    assert not bad.is_deleted


def test_author_appeals_once_and_admin_lifts_the_mute(
    client, student, other_student, admin, bad
):
    case = report(student, bad).case
    act(admin, case, "mute", days=5)
    client.force_login(other_student)
    mine = client.get(reverse("moderation:mine")).content.decode()
    appeal_url = reverse("moderation:appeal-create", args=["direct_message", bad.pk])
    assert appeal_url in mine

    client.post(appeal_url, {"text": "It was a joke between friends"})
    again = client.post(appeal_url, {"text": "Again"})

    assert Appeal.objects.count() == 1 and again.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    act(admin, case, "lift", reason="")
    assert not policy.is_dm_muted(fresh(other_student))
    assert Appeal.objects.get().outcome == Appeal.Outcome.GRANTED
    assert AuditEntry.objects.filter(kind="lift", community=None).exists()


def test_appeal_can_be_denied(student, other_student, admin, bad):
    case = report(student, bad).case
    act(admin, case, "delete")
    services.appeal(other_student, case, text="Please")

    act(admin, case, "deny_appeal", reason="Stands")

    assert Appeal.objects.get().outcome == Appeal.Outcome.DENIED


def test_nothing_to_appeal_after_a_dismissal(student, other_student, admin, bad):
    case = report(student, bad).case
    act(admin, case, "dismiss", reason="")

    with pytest.raises(DomainError):
        services.appeal(other_student, case, text="Why?")


def test_site_log_lists_actions_and_filters(client, student, admin, bad, community):
    case = report(student, bad).case
    act(admin, case, "warn")
    act(admin, case, "dismiss", reason="")
    client.force_login(admin)

    everything = client.get(reverse("moderation:site-log")).content.decode()
    warns = client.get(reverse("moderation:site-log"), {"kind": "warn"})

    assert "Member warned" in everything and "Flags dismissed" in everything
    assert "<td>Flags dismissed" not in warns.content.decode()
    assert "<td>Member warned" in warns.content.decode()


def test_reporter_sees_their_reports_and_nobody_else_does(
    client, student, other_student, bad
):
    report(student, bad, note="Private note 881")

    client.force_login(student)
    assert (
        "Direct messages I reported"
        in client.get(reverse("moderation:mine")).content.decode()
    )
    client.force_login(other_student)
    assert (
        "Private note 881"
        not in client.get(reverse("moderation:mine")).content.decode()
    )


# --- query counts ------------------------------------------------------------------------


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _reported_messages(community, n):
    cases = []
    for _ in range(n):
        a, b = make_member(community, "student"), make_member(community, "student")
        room = chat.start_conversation(a, [b])
        say(a, room, body="before")
        cases.append(report(a, say(b, room, body="reported"), context_count=1).case)
    return cases


def test_site_queue_and_log_query_counts_do_not_grow(client, community, admin):
    def grow(n):
        for case in _reported_messages(community, n):
            direct.moderate_site_case(admin, case, action="warn", reason="x")
            Case.objects.filter(pk=case.pk).update(status=Case.Status.OPEN)

    grow(2)
    client.force_login(admin)
    urls = [reverse("moderation:site-queue"), reverse("moderation:site-log")]
    small = [count_queries(client, url) for url in urls]
    grow(12)

    assert [count_queries(client, url) for url in urls] == small


def test_site_case_query_count_does_not_grow_with_reports(client, community, admin):
    author = make_member(community, "student")
    people = [make_member(community, "student") for _ in range(8)]
    room = chat.start_conversation(author, people)
    message = say(author, room, body="reported")
    report(people[0], message, context_count=0)
    case = Case.objects.get()
    client.force_login(admin)
    url = reverse("moderation:site-case", args=[case.pk])
    small = count_queries(client, url)
    for person in people[1:]:
        report(person, message, context_count=0)

    assert count_queries(client, url) == small


# --- the API ---------------------------------------------------------------------------


def test_api_reports_and_admin_acts(student, other_student, admin, bad):
    made = send(
        signed_in(student),
        "POST",
        "/flags",
        {
            "content_type": "direct_message",
            "object_id": bad.pk,
            "reason": "harassment",
            "context_count": 2,
            "block_author": True,
        },
    )
    assert made.status_code == 201
    case_id = made.json()["case_id"]
    assert Block.objects.filter(blocker=student, blocked=other_student).exists()

    client = signed_in(admin)
    listed = get(client, "/moderation/site/cases").json()["items"]
    one = get(client, f"/moderation/site/cases/{case_id}").json()
    done = send(
        client,
        "POST",
        f"/moderation/site/cases/{case_id}/actions",
        {"action": "mute", "days": 2, "reason": "Insults"},
    )
    log = get(client, "/moderation/site/log").json()["items"]

    assert [c["id"] for c in listed] == [case_id]
    shared = one["reports"][0]["shared"]
    assert len(shared) == 3 and shared[-1]["reported"]
    assert shared[-1]["author"] == other_student.display_name
    assert done.status_code == 200 and done.json()["resolution"] == "muted"
    assert log[0]["kind"] == "dm_mute" and log[0]["target"] == other_student.handle


def test_api_refuses_bad_context_and_outsiders(student, moderator, bad):
    too_many = send(
        signed_in(student),
        "POST",
        "/flags",
        {
            "content_type": "direct_message",
            "object_id": bad.pk,
            "reason": "spam",
            "context_count": 9,
        },
    )
    outsider = send(
        signed_in(moderator),
        "POST",
        "/flags",
        {"content_type": "direct_message", "object_id": bad.pk, "reason": "spam"},
    )

    assert too_many.status_code == 422
    assert outsider.status_code == 404
    assert not Flag.objects.exists()


def test_api_site_routes_are_404_for_non_admins(student, owner, bad):
    case_id = report(student, bad).case.pk

    for person in (student, owner):
        client = signed_in(person)
        assert get(client, "/moderation/site/cases").status_code == 404
        assert get(client, f"/moderation/site/cases/{case_id}").status_code == 404
        assert get(client, "/moderation/site/log").status_code == 404
        acted = send(
            client,
            "POST",
            f"/moderation/site/cases/{case_id}/actions",
            {"action": "dismiss"},
        )
        assert acted.status_code == 404


def test_api_appeal_on_a_direct_message(student, other_student, admin, bad):
    case = report(student, bad).case
    act(admin, case, "warn")

    made = send(
        signed_in(other_student),
        "POST",
        f"/appeals/direct_message/{bad.pk}",
        {"text": "Sorry"},
    )
    mine = get(signed_in(other_student), "/me/moderation").json()

    assert made.status_code == 201
    assert mine["hidden"][0]["community"] is None
    assert any(n["community"] is None for n in mine["notices"])
