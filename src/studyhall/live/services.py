"""Writes for live sessions: each asks the policy, changes the data in one
transaction and publishes an event on the session's stream ("live.<id>").

Events carry ids and counts only; who asked or voted is resolved per viewer
when the page is fetched."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Community
from studyhall.core.errors import DomainError
from studyhall.core.text import clean_text
from studyhall.discussions import services as discussions
from studyhall.discussions.models import Thread
from studyhall.groups.models import StudyGroup, StudySession
from studyhall.live.models import (
    Attendance,
    Ballot,
    HandRaise,
    LiveSession,
    Poll,
    PollOption,
    Question,
    QuestionVote,
)
from studyhall.policy import Action
from studyhall.realtime.services import publish

REACTIONS = ("👏", "👍", "🎉", "🤔", "❤️", "😂")


def live_stream(live: LiveSession | int) -> str:
    return f"live.{live if isinstance(live, int) else live.pk}"


def _text(value: str, field: str, message: str, limit: int) -> str:
    value = clean_text(value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > limit:
        raise ValidationError({field: f"Use at most {limit} characters."})
    return value


def open_live_session(
    user: User,
    community: Community,
    *,
    title: str,
    group: StudyGroup | None = None,
    study_session: StudySession | None = None,
) -> LiveSession:
    """Open a live session page for a community (teachers) or a group (organizers)."""
    target = group if group is not None else community
    if not policy.can(user, Action.HOST_LIVE, target):
        raise PermissionDenied("Only instructors or group organizers host sessions.")
    title = _text(title, "title", "Give the session a title.", 200)
    if study_session is not None and (
        group is None or study_session.group_id != group.pk
    ):
        raise ValidationError({"study_session": "Choose a session of this group."})
    with transaction.atomic():
        live = LiveSession.objects.create(
            community=community,
            group=group,
            study_session=study_session,
            host=user,
            title=title,
        )
        publish(live_stream(live), "live.opened", {"live": live.pk}, actor=user)
    return live


def _host(user: User, live: LiveSession) -> None:
    if not policy.can(user, Action.HOST_LIVE, live):
        raise PermissionDenied("Only the host can do that.")
    if not live.is_open:
        raise DomainError("The session has ended.", code="live_ended")


def _participant(user: User, live: LiveSession) -> None:
    if not policy.can(user, Action.TAKE_PART, live):
        if not live.is_open:
            raise DomainError("The session has ended.", code="live_ended")
        raise PermissionDenied("Join the community or group to take part.")


def record_attendance(user: User, live: LiveSession) -> None:
    """Note that the person was present (first and last time seen)."""
    if not user.is_authenticated or not live.is_open:
        return
    if not policy.can(user, Action.VIEW, live):
        return
    now = timezone.now()
    updated = Attendance.objects.filter(live=live, user=user).update(last_seen_at=now)
    if not updated:
        try:
            with transaction.atomic():
                Attendance.objects.create(live=live, user=user)
        except IntegrityError:
            pass


def create_poll(
    user: User,
    live: LiveSession,
    *,
    question: str,
    options: list[str],
    kind: str = Poll.Kind.SINGLE,
    is_anonymous: bool = True,
) -> Poll:
    """Open a poll with two to ten options."""
    _host(user, live)
    question = _text(question, "question", "Ask a question.", 300)
    cleaned = [clean_text(o).strip()[:200] for o in options if o and o.strip()]
    if not 2 <= len(cleaned) <= 10:
        raise ValidationError({"options": "Give two to ten options, one per line."})
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError({"options": "Each option must be different."})
    if kind not in Poll.Kind.values:
        raise ValidationError({"kind": "Choose single or multiple choice."})
    with transaction.atomic():
        poll = Poll.objects.create(
            live=live, question=question, kind=kind, is_anonymous=is_anonymous
        )
        PollOption.objects.bulk_create(
            PollOption(poll=poll, text=t, position=i) for i, t in enumerate(cleaned)
        )
        publish(live_stream(live), "poll.opened", {"poll": poll.pk}, actor=user)
    return poll


def set_poll_open(user: User, poll: Poll, *, is_open: bool) -> Poll:
    """Close a poll so no more votes count, or open it again."""
    _host(user, poll.live)
    poll.status = Poll.Status.OPEN if is_open else Poll.Status.CLOSED
    with transaction.atomic():
        poll.save(update_fields=["status"])
        publish(
            live_stream(poll.live_id),
            "poll.opened" if is_open else "poll.closed",
            {"poll": poll.pk},
            actor=user,
        )
    return poll


def poll_counts(poll: Poll) -> dict[int, int]:
    """Return option id -> number of ballots that chose it."""
    counts = {o.pk: 0 for o in poll.options.all()}
    rows = Ballot.options.through.objects.filter(ballot__poll=poll).values_list(
        "polloption_id", flat=True
    )
    for option_id in rows:
        counts[option_id] = counts.get(option_id, 0) + 1
    return counts


def vote(user: User, poll: Poll, *, option_ids: list[int]) -> Ballot:
    """Cast the person's one ballot; a second vote is refused, even when two
    requests race (the unique ballot constraint decides)."""
    live = poll.live
    _participant(user, live)
    if not poll.is_open:
        raise DomainError("The poll is closed.", code="poll_closed")
    chosen = set(option_ids)
    options = list(poll.options.filter(pk__in=chosen))
    if not options or len(options) != len(chosen):
        raise ValidationError({"options": "Choose one of the poll's options."})
    if poll.kind == Poll.Kind.SINGLE and len(options) > 1:
        raise ValidationError({"options": "This poll takes one choice."})
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(poll=poll, user=user)
            ballot.options.set(options)
            publish(
                live_stream(live),
                "poll.voted",
                {
                    "poll": poll.pk,
                    "counts": {str(k): v for k, v in poll_counts(poll).items()},
                },
                actor=user,
            )
    except IntegrityError as error:
        raise DomainError(
            "You have already voted in this poll.", code="already_voted"
        ) from error
    record_attendance(user, live)
    return ballot


def ask_question(
    user: User, live: LiveSession, *, body: str, is_anonymous: bool = False
) -> Question:
    """Submit a question, optionally anonymous to peers (the host and staff see
    the name only as policy.author_for allows)."""
    _participant(user, live)
    body = _text(body, "body", "Type your question first.", 1000)
    if is_anonymous and not policy.can(user, Action.POST_ANONYMOUSLY, live.community):
        raise ValidationError(
            {"is_anonymous": "This community does not allow anonymous questions."}
        )
    with transaction.atomic():
        question = Question.objects.create(
            live=live,
            community=live.community,
            author=user,
            body=body,
            is_anonymous=is_anonymous,
        )
        publish(
            live_stream(live), "question.asked", {"question": question.pk}, actor=user
        )
    record_attendance(user, live)
    return question


def upvote_question(user: User, question: Question) -> bool:
    """Upvote a question once, or take the upvote back; return whether it counts."""
    live = question.live
    _participant(user, live)
    if question.author_id == user.pk:
        raise DomainError("You cannot upvote your own question.", code="own_question")
    with transaction.atomic():
        deleted, _ = QuestionVote.objects.filter(question=question, user=user).delete()
        if deleted:
            Question.objects.filter(pk=question.pk).update(
                upvote_count=F("upvote_count") - 1
            )
        else:
            try:
                with transaction.atomic():
                    QuestionVote.objects.create(question=question, user=user)
            except IntegrityError:
                return True
            Question.objects.filter(pk=question.pk).update(
                upvote_count=F("upvote_count") + 1
            )
        count = Question.objects.values_list("upvote_count", flat=True).get(
            pk=question.pk
        )
        publish(
            live_stream(live),
            "question.upvoted",
            {"question": question.pk, "upvotes": count},
            actor=user,
        )
    return not deleted


def mark_question(
    user: User,
    question: Question,
    *,
    answered: bool | None = None,
    pinned: bool | None = None,
) -> Question:
    """Mark a question answered or pinned (the host)."""
    _host(user, question.live)
    fields = []
    if answered is not None:
        question.is_answered = answered
        fields.append("is_answered")
    if pinned is not None:
        question.is_pinned = pinned
        fields.append("is_pinned")
    with transaction.atomic():
        question.save(update_fields=fields)
        publish(
            live_stream(question.live_id),
            "question.marked",
            {
                "question": question.pk,
                "answered": question.is_answered,
                "pinned": question.is_pinned,
            },
            actor=user,
        )
    return question


def raise_hand(user: User, live: LiveSession) -> HandRaise:
    """Put the person in the hand queue (once until cleared)."""
    _participant(user, live)
    try:
        with transaction.atomic():
            hand = HandRaise.objects.create(live=live, user=user)
            publish(live_stream(live), "hand.raised", {"live": live.pk}, actor=user)
    except IntegrityError as error:
        raise DomainError("Your hand is already raised.", code="hand_raised") from error
    record_attendance(user, live)
    return hand


def clear_hand(user: User, hand: HandRaise) -> None:
    """Take a hand off the queue: the host, or the person lowering their own."""
    live = hand.live
    if hand.user_id != user.pk:
        _host(user, live)
    if hand.cleared_at is not None:
        return
    with transaction.atomic():
        hand.cleared_at = timezone.now()
        hand.save(update_fields=["cleared_at"])
        publish(live_stream(live), "hand.cleared", {"live": live.pk}, actor=user)


def react(user: User, live: LiveSession, *, emoji: str) -> None:
    """Send a floating emoji reaction to everyone on the page."""
    _participant(user, live)
    if emoji not in REACTIONS:
        raise ValidationError({"emoji": "Choose one of the offered reactions."})
    with transaction.atomic():
        publish(live_stream(live), "reaction.sent", {"emoji": emoji}, actor=user)


def _recap_body(live: LiveSession) -> str:
    lines = [f"Recap of the live session **{live.title}**.", ""]
    polls = list(live.polls.prefetch_related("options").order_by("created_at", "pk"))
    if polls:
        lines.append("## Polls")
        for poll in polls:
            counts = poll_counts(poll)
            lines.append(f"**{poll.question}**")
            lines.append("")
            for option in poll.options.all():
                lines.append(f"- {option.text}: {counts.get(option.pk, 0)}")
            lines.append("")
    questions = list(live.questions.order_by("-upvote_count", "created_at", "pk"))
    for title, answered in (("Answered questions", True), ("Open questions", False)):
        chosen = [q for q in questions if q.is_answered is answered]
        if chosen:
            lines.append(f"## {title}")
            # Names are left out: a recap is read by the whole community.
            lines += [f"- {q.body} ({q.upvote_count} upvotes)" for q in chosen]
            lines.append("")
    lines.append(f"{live.attendance.count()} people attended.")
    if any(not q.is_answered for q in questions):
        lines.append("Answer the open questions in the replies below.")
    return "\n".join(lines)


def end_live_session(user: User, live: LiveSession) -> Thread:
    """End the session and publish its recap as a thread in the community
    (in the group's board for a group session)."""
    _host(user, live)
    with transaction.atomic():
        locked = LiveSession.objects.select_for_update().get(pk=live.pk)
        if locked.ended_at is not None:
            raise DomainError("The session has ended.", code="live_ended")
        Poll.objects.filter(live=live).update(status=Poll.Status.CLOSED)
        board = live.group.board if live.group is not None else None
        thread = discussions.create_thread(
            user,
            live.community,
            title=f"Recap: {live.title}"[:200],
            body=_recap_body(live),
            kind=Thread.Kind.DISCUSSION,
            category=board,
        )
        live.ended_at = timezone.now()
        live.recap_thread = thread
        live.save(update_fields=["ended_at", "recap_thread"])
        publish(
            live_stream(live),
            "live.ended",
            {"live": live.pk, "thread": thread.pk},
            actor=user,
        )
    return thread
