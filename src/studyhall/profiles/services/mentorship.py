"""Mentoring offers, requests, and meetings of accepted mentorships."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.chat import services as chat
from studyhall.chat.models import Room
from studyhall.core.errors import DomainError
from studyhall.core.text import clean_text
from studyhall.policy import Action
from studyhall.profiles.models import Meeting, MentorshipRequest, Profile
from studyhall.profiles.services.profile import profile_of
from studyhall.realtime.services import publish

MAX_CAPACITY = 20


def _expiry_cutoff() -> datetime:
    return timezone.now() - timedelta(days=settings.PROFILES_MENTORSHIP_EXPIRY_DAYS)


def update_mentoring(
    user: User, *, is_mentor: bool, areas: str, availability: str, capacity: int
) -> Profile:
    """Publish or withdraw the person's mentoring offer; needs a mentoring role."""
    profile = profile_of(user)
    if is_mentor and not policy.can(user, Action.OFFER_MENTORSHIP, profile):
        raise PermissionDenied(
            "Mentoring is open to alumni, experts and instructors: claim an alum "
            "or expert badge in your community, or ask an owner for the mentor role."
        )
    errors: dict[str, list[str]] = {}
    areas = " ".join(clean_text(areas or "").split())
    availability = " ".join(clean_text(availability or "").split())
    if is_mentor and not areas:
        errors["areas"] = ["Say what you can help with."]
    if len(areas) > 300:
        errors["areas"] = ["Use at most 300 characters."]
    if len(availability) > 300:
        errors["availability"] = ["Use at most 300 characters."]
    if not 0 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [f"Choose from 0 to {MAX_CAPACITY} mentees."]
    if errors:
        raise ValidationError(errors)
    profile.is_mentor = is_mentor
    profile.mentor_areas = areas
    profile.mentor_availability = availability
    profile.mentor_capacity = capacity
    profile.save(
        update_fields=[
            "is_mentor",
            "mentor_areas",
            "mentor_availability",
            "mentor_capacity",
        ]
    )
    return profile


def _active_mentees(mentor_id: int) -> int:
    return MentorshipRequest.objects.filter(
        mentor_id=mentor_id, status=MentorshipRequest.Status.ACCEPTED
    ).count()


def request_mentorship(user: User, mentor: User, *, goal: str) -> MentorshipRequest:
    """Ask a mentor for mentorship with a goal; one open request per mentor."""
    profile = Profile.objects.filter(user=mentor).first() or Profile(user=mentor)
    if not policy.can(user, Action.VIEW_PROFILE, profile):
        raise Http404("No such person.")
    if not policy.can(user, Action.REQUEST_MENTORSHIP, profile):
        raise PermissionDenied(f"{mentor.display_name} is not taking mentees.")
    goal = clean_text(goal or "").strip()
    if not goal:
        raise ValidationError({"goal": "Say what you would like to reach."})
    if len(goal) > 1000:
        raise ValidationError({"goal": "Use at most 1,000 characters."})
    # Expire stale requests in their own step so a refusal below keeps that done.
    expire_mentorship_requests()
    with transaction.atomic():
        if MentorshipRequest.objects.filter(
            mentee=user, mentor=mentor, status__in=["pending", "accepted"]
        ).exists():
            raise DomainError(
                "You already have an open request or mentorship with this mentor.",
                code="request_pending",
            )
        if _active_mentees(mentor.pk) >= profile.mentor_capacity:
            raise DomainError(
                f"{mentor.display_name} has no room for more mentees right now.",
                code="full",
            )
        request = MentorshipRequest.objects.create(
            mentee=user, mentor=mentor, goal=goal
        )
        publish(
            f"user.{mentor.pk}",
            "mentorship.requested",
            {"mentorship": request.pk},
            actor=user,
        )
        return request


def _locked(request: MentorshipRequest) -> MentorshipRequest:
    found = MentorshipRequest.objects.select_for_update().filter(pk=request.pk).first()
    if found is None:
        raise Http404("No such mentorship.")
    return found


def answer_mentorship(
    user: User, request: MentorshipRequest, *, accept: bool
) -> MentorshipRequest:
    """Accept or decline a mentorship request made to the person."""
    expire_mentorship_requests()
    with transaction.atomic():
        request = _locked(request)
        if not policy.can(user, Action.VIEW, request):
            raise Http404("No such mentorship.")
        if not policy.can(user, Action.ANSWER_REQUEST, request):
            raise DomainError(
                "This request is closed (answered, withdrawn or expired).",
                code="answered",
            )
        if accept:
            capacity = (
                Profile.objects.filter(user_id=user.pk)
                .values_list("mentor_capacity", flat=True)
                .first()
                or 0
            )
            if _active_mentees(user.pk) >= capacity:
                raise DomainError(
                    "You are at capacity: raise it on your mentoring settings first.",
                    code="full",
                )
        request.status = (
            MentorshipRequest.Status.ACCEPTED
            if accept
            else MentorshipRequest.Status.DECLINED
        )
        request.answered_at = timezone.now()
        request.save(update_fields=["status", "answered_at"])
        publish(
            f"user.{request.mentee_id}",
            "mentorship.answered",
            {"mentorship": request.pk, "status": request.status},
            actor=user,
        )
    return request


def withdraw_mentorship(user: User, request: MentorshipRequest) -> MentorshipRequest:
    """Withdraw a pending request, or end an accepted mentorship (either side)."""
    with transaction.atomic():
        request = _locked(request)
        if not policy.can(user, Action.VIEW, request):
            raise Http404("No such mentorship.")
        if policy.can(user, Action.WITHDRAW_REQUEST, request):
            request.status = MentorshipRequest.Status.WITHDRAWN
        elif request.status == MentorshipRequest.Status.ACCEPTED:
            request.status = MentorshipRequest.Status.ENDED
        else:
            raise DomainError("This request is already closed.", code="answered")
        request.answered_at = timezone.now()
        request.save(update_fields=["status", "answered_at"])
    return request


def open_mentorship_conversation(user: User, mentorship: MentorshipRequest) -> Room:
    """Open (or reuse) the direct conversation between mentor and mentee.

    Either participant of an accepted mentorship may, even without a shared
    community; never between people where one blocked the other.
    """
    if not policy.can(user, Action.VIEW, mentorship):
        raise Http404("No such mentorship.")
    if not policy.can(user, Action.SEND_MESSAGE, mentorship):
        raise DomainError(
            "Messages need an accepted mentorship and a verified email address.",
            code="not_active",
        )
    other = mentorship.mentor if user.pk == mentorship.mentee_id else mentorship.mentee
    # Chat refuses if either blocked the other (a block also ends the mentorship).
    return chat.open_direct_conversation(user, other)


def expire_mentorship_requests() -> int:
    """Mark requests left unanswered past the expiry period as expired; idempotent."""
    return MentorshipRequest.objects.filter(
        Q(status=MentorshipRequest.Status.PENDING), created_at__lt=_expiry_cutoff()
    ).update(status=MentorshipRequest.Status.EXPIRED, answered_at=timezone.now())


def schedule_meeting(
    user: User,
    mentorship: MentorshipRequest,
    *,
    starts_at: datetime | None,
    duration_minutes: int,
    topic: str,
    place: str = "",
) -> Meeting:
    """Schedule a meeting in an accepted mentorship; either participant may."""
    if not policy.can(user, Action.VIEW, mentorship):
        raise Http404("No such mentorship.")
    if not policy.can(user, Action.SCHEDULE_MEETING, mentorship):
        raise DomainError("Meetings need an accepted mentorship.", code="not_active")
    errors: dict[str, list[str]] = {}
    topic = " ".join(clean_text(topic or "").split())
    place = " ".join(clean_text(place or "").split())
    if not topic:
        errors["topic"] = ["Say what the meeting is about."]
    elif len(topic) > 200:
        errors["topic"] = ["Use at most 200 characters."]
    if len(place) > 300:
        errors["place"] = ["Use at most 300 characters."]
    if starts_at is None:
        errors["starts_at"] = ["Give a date and time."]
    elif starts_at < timezone.now():
        errors["starts_at"] = ["Choose a time in the future."]
    if not 5 <= duration_minutes <= 480:
        errors["duration_minutes"] = ["Choose from 5 to 480 minutes."]
    if errors:
        raise ValidationError(errors)
    assert starts_at is not None
    with transaction.atomic():
        meeting = Meeting.objects.create(
            mentorship=mentorship,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            topic=topic,
            place=place,
            created_by=user,
        )
        # For notifications to tell the other person; only ids.
        other = (
            mentorship.mentor_id
            if user.pk == mentorship.mentee_id
            else mentorship.mentee_id
        )
        publish(
            f"user.{other}",
            "meeting.scheduled",
            {"mentorship": mentorship.pk, "meeting": meeting.pk},
            actor=user,
        )
    return meeting
