"""Flags, automatic hiding, moderator actions, restrictions and appeals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from studyhall import policy
from studyhall.communities import services as communities
from studyhall.communities.models import Membership
from studyhall.core.errors import DomainError
from studyhall.discussions.models import Post, Thread
from studyhall.moderation import services
from studyhall.moderation.models import Appeal, AuditEntry, Case, Flag
from studyhall.moderation.registry import POST
from studyhall.policy import Action
from studyhall.realtime.models import Event
from tests.discussions.helpers import answer, ask
from tests.factories import CategoryFactory, make_member

pytestmark = pytest.mark.django_db


def fresh(*users):
    for user in users:
        policy.forget(user)


@pytest.fixture
def thread(community, student):
    return ask(student, community)


@pytest.fixture
def reply(thread, other_student):
    return answer(other_student, thread, body="Buy cheap pills at example.com")


def trusted(community, n=1):
    return [make_member(community, "mentor") for _ in range(n)]


def membership(community, user):
    return Membership.objects.select_related("community").get(
        community=community, user=user
    )


def test_member_flags_a_post_and_a_case_opens(reply, student):
    flag = services.flag_content(student, POST, reply, reason="spam")

    case = Case.objects.get()
    assert flag.case == case
    assert case.author_id == reply.author_id
    assert case.status == Case.Status.OPEN
    assert case.flag_count == 1


def test_flagging_twice_is_refused_with_a_clear_message(reply, student):
    services.flag_content(student, POST, reply, reason="spam")

    with pytest.raises(DomainError, match="already flagged"):
        services.flag_content(student, POST, reply, reason="harassment")


def test_other_needs_a_note(reply, student):
    with pytest.raises(ValidationError) as error:
        services.flag_content(student, POST, reply, reason="other")

    assert "note" in error.value.message_dict


def test_unknown_reason_and_long_note_are_refused(reply, student):
    with pytest.raises(ValidationError):
        services.flag_content(student, POST, reply, reason="boring")
    with pytest.raises(ValidationError):
        services.flag_content(student, POST, reply, reason="spam", note="x" * 501)


def test_author_cannot_flag_own_post(reply, other_student):
    with pytest.raises(PermissionDenied):
        services.flag_content(other_student, POST, reply, reason="spam")


def test_flags_are_rate_limited_with_a_retry_after(community, student, settings):
    settings.MODERATION_FLAGS_PER_WINDOW = 2
    author = make_member(community, "student")
    thread = ask(author, community)
    posts = [answer(author, thread, body=f"reply {i}") for i in range(3)]
    services.flag_content(student, POST, posts[0], reason="spam")
    services.flag_content(student, POST, posts[1], reason="spam")

    with pytest.raises(services.RateLimited) as error:
        services.flag_content(student, POST, posts[2], reason="spam")

    assert 0 < error.value.retry_after <= settings.MODERATION_FLAG_WINDOW_SECONDS
    assert "flag again in" in error.value.message
    assert Flag.objects.count() == 2


def test_rate_limit_frees_up_after_the_window(community, student, settings):
    settings.MODERATION_FLAGS_PER_WINDOW = 1
    author = make_member(community, "student")
    thread = ask(author, community)
    first, second = (answer(author, thread, body=f"r{i}") for i in range(2))
    services.flag_content(student, POST, first, reason="spam")
    Flag.objects.update(created_at=timezone.now() - timedelta(hours=2))

    services.flag_content(student, POST, second, reason="spam")

    assert Flag.objects.count() == 2


def test_enough_trusted_flags_hide_the_post_and_tell_the_author(
    community, reply, settings
):
    settings.MODERATION_AUTO_HIDE_FLAGS = 2
    first, second = trusted(community, 2)
    services.flag_content(first, POST, reply, reason="spam")
    assert not Post.objects.get(pk=reply.pk).is_hidden

    services.flag_content(second, POST, reply, reason="spam")

    reply.refresh_from_db()
    case = Case.objects.get()
    assert reply.is_hidden
    assert case.is_auto_hidden and case.status == Case.Status.OPEN
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.AUTO_HIDE)
    assert entry.actor is None and entry.target_id == reply.author_id
    assert Event.objects.filter(
        stream=f"user.{reply.author_id}", type="moderation.hidden"
    ).exists()


def test_new_students_flags_do_not_hide(community, reply, settings):
    settings.MODERATION_AUTO_HIDE_FLAGS = 1
    newcomer = make_member(community, "student")

    services.flag_content(newcomer, POST, reply, reason="spam")

    assert not Post.objects.get(pk=reply.pk).is_hidden
    assert not Flag.objects.get().is_trusted


def test_students_become_trusted_with_time_and_posts(community, thread, settings):
    settings.MODERATION_TRUSTED_AFTER_POSTS = 2
    veteran = make_member(community, "student")
    answer(veteran, thread, body="one")
    answer(veteran, thread, body="two")
    Membership.objects.filter(user=veteran).update(
        joined_at=timezone.now() - timedelta(days=30)
    )
    fresh(veteran)

    assert services.is_trusted_flagger(veteran, community.pk)
    assert not services.is_trusted_flagger(make_member(community, "student"), 0)


def test_community_threshold_zero_turns_automatic_hiding_off(community, owner, reply):
    services.update_settings(owner, community, auto_hide_threshold=0, guidelines="")
    mentor = trusted(community)[0]

    services.flag_content(mentor, POST, reply, reason="spam")

    assert not Post.objects.get(pk=reply.pk).is_hidden


def test_moderator_hides_with_reason_and_author_may_appeal_once(
    reply, moderator, other_student
):
    services.moderate_content(
        moderator, POST, reply, action="hide", reason="Advertising"
    )
    reply.refresh_from_db()
    case = Case.objects.get()
    assert reply.is_hidden and case.resolution == "hidden"
    fresh(other_student)

    services.appeal(other_student, case, text="It was a real link to notes.")

    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    with pytest.raises(DomainError, match="already appealed"):
        services.appeal(other_student, case, text="Again")


def test_hiding_needs_a_reason(reply, moderator):
    with pytest.raises(ValidationError):
        services.moderate_content(moderator, POST, reply, action="hide", reason=" ")


def test_restoring_grants_the_appeal(reply, moderator, other_student):
    services.moderate_content(moderator, POST, reply, action="hide", reason="Spam")
    case = Case.objects.get()
    services.appeal(other_student, case, text="Please look again")

    services.moderate_content(moderator, POST, reply, action="restore", reason="Ok")

    reply.refresh_from_db()
    assert not reply.is_hidden
    assert Appeal.objects.get().outcome == Appeal.Outcome.GRANTED


def test_denying_an_appeal_keeps_the_post_hidden(reply, moderator, other_student):
    services.moderate_content(moderator, POST, reply, action="hide", reason="Spam")
    case = Case.objects.get()
    with pytest.raises(DomainError):
        services.moderate_content(moderator, POST, reply, action="deny_appeal")
    services.appeal(other_student, case, text="Please look again")

    services.moderate_content(moderator, POST, reply, action="deny_appeal")

    reply.refresh_from_db()
    assert reply.is_hidden
    assert Appeal.objects.get().outcome == Appeal.Outcome.DENIED


def test_dismissing_flags_restores_an_automatically_hidden_post(
    community, reply, moderator, settings
):
    settings.MODERATION_AUTO_HIDE_FLAGS = 1
    services.flag_content(trusted(community)[0], POST, reply, reason="spam")

    services.moderate_content(moderator, POST, reply, action="dismiss")

    reply.refresh_from_db()
    assert not reply.is_hidden
    assert Case.objects.get().resolution == "dismissed"


def test_flagging_a_resolved_case_reopens_it(community, reply, moderator, student):
    services.moderate_content(moderator, POST, reply, action="dismiss")

    services.flag_content(student, POST, reply, reason="harassment")

    case = Case.objects.get()
    assert case.status == Case.Status.OPEN and case.resolution == ""


def test_hiding_the_opening_post_hides_the_thread_from_peers(
    thread, moderator, other_student, student
):
    opening = thread.posts.get(number=1)

    services.moderate_content(moderator, POST, opening, action="hide", reason="Off")

    thread.refresh_from_db()
    fresh(other_student, student, moderator)
    assert thread.is_hidden
    assert not policy.can(other_student, Action.VIEW, thread)
    assert policy.can(student, Action.VIEW, thread)
    assert policy.can(moderator, Action.VIEW, thread)
    assert list(policy.visible(other_student, Thread.objects.all())) == []


def test_moderator_deletes_with_reason(reply, moderator):
    services.moderate_content(moderator, POST, reply, action="delete", reason="Spam")

    assert Post.objects.get(pk=reply.pk).is_deleted
    assert AuditEntry.objects.get().kind == AuditEntry.Kind.DELETE


def test_students_cannot_moderate(reply, student):
    with pytest.raises(PermissionDenied):
        services.moderate_content(student, POST, reply, action="hide", reason="x")


def test_unknown_action_is_refused(reply, moderator):
    with pytest.raises(ValidationError):
        services.moderate_content(moderator, POST, reply, action="explode")


def test_moderator_edit_keeps_history_and_logs_reason(reply, moderator):
    services.edit_as_moderator(
        moderator, reply, body="[link removed]", reason="Removed spam link"
    )

    reply.refresh_from_db()
    assert reply.body == "[link removed]"
    assert reply.revisions.get().body.startswith("Buy cheap")
    entry = AuditEntry.objects.get()
    assert entry.kind == AuditEntry.Kind.EDIT and entry.reason == "Removed spam link"


def test_edit_as_moderator_needs_the_role(reply, student):
    with pytest.raises(PermissionDenied):
        services.edit_as_moderator(student, reply, body="x", reason="y")


def test_locked_thread_takes_replies_only_from_moderators(
    thread, moderator, other_student
):
    services.lock_thread(moderator, thread, locked=True, reason="Heated")
    fresh(other_student)

    assert not policy.can(other_student, Action.REPLY, thread)
    assert policy.can(moderator, Action.REPLY, thread)
    services.lock_thread(moderator, thread, locked=False, reason="")
    assert policy.can(other_student, Action.REPLY, Thread.objects.get(pk=thread.pk))


def test_students_cannot_lock_or_move(thread, student):
    with pytest.raises(PermissionDenied):
        services.lock_thread(student, thread, locked=True, reason="x")
    with pytest.raises(PermissionDenied):
        services.move_thread(student, thread, category=None)


def test_moderator_moves_thread_to_another_category(community, thread, moderator):
    category = CategoryFactory(community=community, name="Exams")

    services.move_thread(moderator, thread, category=category, reason="Belongs here")

    assert Thread.objects.get(pk=thread.pk).category == category
    assert AuditEntry.objects.get().reason.startswith("To Exams")


def test_moving_to_a_category_of_another_community_is_refused(thread, moderator):
    with pytest.raises(ValidationError):
        services.move_thread(moderator, thread, category=CategoryFactory())


@pytest.mark.parametrize("action", ["mute", "suspend", "ban"])
def test_restricted_members_cannot_post_reply_react_or_flag(
    community, thread, reply, moderator, other_student, action
):
    member = membership(community, other_student)

    services.restrict_member(moderator, member, action=action, reason="Rude", days=3)

    fresh(other_student)
    for verb, obj in [
        (Action.START_THREAD, community),
        (Action.REPLY, thread),
        (Action.FLAG, thread.posts.get(number=1)),
        (Action.REACT, thread.posts.get(number=1)),
        (Action.EDIT, reply),
    ]:
        assert not policy.can(other_student, verb, obj), (action, verb)
    with pytest.raises(PermissionDenied):
        answer(other_student, thread, body="still here")


def test_muted_member_still_reads(community, thread, moderator, other_student):
    services.restrict_member(
        moderator,
        membership(community, other_student),
        action="mute",
        reason="x",
        days=1,
    )
    fresh(other_student)

    assert policy.can(other_student, Action.VIEW, thread)
    assert policy.role_in(other_student, community) is not None


def test_restrictions_end_by_themselves(community, thread, moderator, other_student):
    member = membership(community, other_student)
    services.restrict_member(moderator, member, action="mute", reason="x", days=1)
    Membership.objects.filter(pk=member.pk).update(
        muted_until=timezone.now() - timedelta(minutes=1)
    )
    fresh(other_student)

    assert policy.can(other_student, Action.REPLY, thread)


def test_banned_member_cannot_rejoin_or_leave_to_reset(
    community, moderator, other_student
):
    services.restrict_member(
        moderator, membership(community, other_student), action="ban", reason="Abuse"
    )
    fresh(other_student)

    assert not policy.can(other_student, Action.JOIN, community)
    with pytest.raises(DomainError):
        communities.leave_community(other_student, community)


def test_lifting_restores_powers(community, thread, moderator, other_student):
    member = membership(community, other_student)
    services.restrict_member(moderator, member, action="ban", reason="Abuse")

    services.restrict_member(moderator, member, action="lift", reason="")

    fresh(other_student)
    assert policy.can(other_student, Action.REPLY, thread)


def test_warning_is_logged_and_shown_to_the_member(community, moderator, other_student):
    services.restrict_member(
        moderator, membership(community, other_student), action="warn", reason="Tone"
    )

    entry = AuditEntry.objects.get()
    assert entry.kind == "warn" and entry.target == other_student


def test_restriction_rules(community, owner, moderator, instructor, student):
    with pytest.raises(DomainError):
        services.restrict_member(
            moderator, membership(community, moderator), action="warn", reason="x"
        )
    with pytest.raises(DomainError):
        services.restrict_member(
            moderator, membership(community, owner), action="warn", reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.restrict_member(
            moderator, membership(community, instructor), action="warn", reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.restrict_member(
            student, membership(community, moderator), action="warn", reason="x"
        )
    with pytest.raises(ValidationError):
        services.restrict_member(
            moderator, membership(community, student), action="mute", reason="x"
        )
    with pytest.raises(ValidationError):
        services.restrict_member(
            moderator, membership(community, student), action="exile", reason="x"
        )
    services.restrict_member(
        owner, membership(community, instructor), action="warn", reason="x"
    )


def test_only_owners_change_settings(community, owner, moderator):
    with pytest.raises(PermissionDenied):
        services.update_settings(
            moderator, community, auto_hide_threshold=2, guidelines=""
        )
    with pytest.raises(ValidationError):
        services.update_settings(
            owner, community, auto_hide_threshold=-1, guidelines=""
        )

    found = services.update_settings(
        owner, community, auto_hide_threshold=5, guidelines="Be **kind**."
    )

    assert found.auto_hide_threshold == 5
    assert "<strong>kind</strong>" in found.guidelines_html


def test_only_the_author_of_hidden_content_appeals(
    reply, moderator, student, other_student
):
    services.moderate_content(moderator, POST, reply, action="hide", reason="Spam")
    case = Case.objects.get()

    with pytest.raises(PermissionDenied):
        services.appeal(student, case, text="not mine")
    with pytest.raises(ValidationError):
        services.appeal(other_student, case, text="  ")
