"""Following, connecting and blocking."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from studyhall import policy
from studyhall.accounts import services as account_services
from studyhall.accounts.models import Block, User
from studyhall.accounts.selectors import either_blocked
from studyhall.communities.models import Community
from studyhall.core.errors import DomainError
from studyhall.core.text import clean_text
from studyhall.moderation import contact
from studyhall.policy import Action
from studyhall.profiles.models import (
    CommunityFollow,
    ConnectionRequest,
    Follow,
    MentorshipRequest,
    Profile,
)
from studyhall.realtime.services import publish

NOTE_MAX_LENGTH = 300


def _profile(person: User) -> Profile:
    return Profile.objects.filter(user=person).first() or Profile(user=person)


def _require(user: User, action: Action, person: User) -> None:
    profile = _profile(person)
    if not policy.can(user, Action.VIEW_PROFILE, profile):
        raise Http404("No such person.")
    # Asked afresh: a block made since the person's relations were loaded counts.
    if not policy.can(user, action, profile) or either_blocked(user, person):
        raise PermissionDenied("You cannot do that with this person.")


def follow(user: User, person: User) -> Follow:
    """Follow a person whose profile the viewer may see; following twice is harmless."""
    _require(user, Action.FOLLOW, person)
    found, _ = Follow.objects.get_or_create(follower=user, followed=person)
    return found


def unfollow(user: User, person: User) -> None:
    """Stop following a person; not following them changes nothing."""
    Follow.objects.filter(follower=user, followed=person).delete()


def follow_community(user: User, community: Community) -> CommunityFollow:
    """Follow a community's new threads in the feed; it must be visible."""
    if not policy.can(user, Action.VIEW, community):
        raise Http404("No such community.")
    if user.pk is None or not user.is_email_verified:
        raise PermissionDenied("Verify your email address first.")
    found, _ = CommunityFollow.objects.get_or_create(user=user, community=community)
    return found


def unfollow_community(user: User, community: Community) -> None:
    """Stop following a community."""
    CommunityFollow.objects.filter(user=user, community=community).delete()


def _between(a: User, b: User) -> Q:
    return Q(sender=a, recipient=b) | Q(sender=b, recipient=a)


def request_connection(
    user: User, person: User, *, note: str = ""
) -> ConnectionRequest:
    """Ask to connect with a person, with an optional note.

    Refused for blocked pairs, while a request between the two is open, and
    past the daily limit of requests, each with a message saying why.
    """
    _require(user, Action.CONNECT, person)
    note = " ".join(clean_text(note or "").split())
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": f"Keep the note under {NOTE_MAX_LENGTH} characters."}
        )
    with transaction.atomic():
        open_ = ConnectionRequest.objects.filter(
            _between(user, person),
            status__in=[
                ConnectionRequest.Status.PENDING,
                ConnectionRequest.Status.ACCEPTED,
            ],
        ).first()
        if open_ is not None:
            if open_.status == ConnectionRequest.Status.ACCEPTED:
                raise DomainError("You are already connected.", code="connected")
            if open_.sender_id == person.pk:
                raise DomainError(
                    f"{person.display_name} already asked to connect with you: "
                    "accept their request instead.",
                    code="request_waiting",
                )
            raise DomainError(
                "Your request is waiting for an answer.", code="request_pending"
            )
        since = timezone.now() - timedelta(days=1)
        sent_at = list(
            ConnectionRequest.objects.filter(sender=user, created_at__gte=since)
            .order_by("-created_at")
            .values_list("created_at", flat=True)[
                : settings.PROFILES_CONNECTION_REQUESTS_PER_DAY
            ]
        )
        contact.check_connection_requests(user, sent_at)
        request = ConnectionRequest.objects.create(
            sender=user, recipient=person, note=note
        )
        # For notifications to listen to; only ids, safe for the recipient.
        publish(
            f"user.{person.pk}",
            "connection.requested",
            {"request": request.pk},
            actor=user,
        )
        return request


def _open_request(request_id: int) -> ConnectionRequest:
    request = (
        ConnectionRequest.objects.select_for_update().filter(pk=request_id).first()
    )
    if request is None:
        raise Http404("No such request.")
    return request


def answer_connection(
    user: User, request: ConnectionRequest, *, accept: bool
) -> ConnectionRequest:
    """Accept or decline a connection request sent to the person."""
    with transaction.atomic():
        request = _open_request(request.pk)
        if not policy.can(user, Action.VIEW, request):
            raise Http404("No such request.")
        if not policy.can(user, Action.ANSWER_REQUEST, request):
            raise DomainError("This request was already answered.", code="answered")
        request.status = (
            ConnectionRequest.Status.ACCEPTED
            if accept
            else ConnectionRequest.Status.DECLINED
        )
        request.answered_at = timezone.now()
        request.save(update_fields=["status", "answered_at"])
        publish(
            f"user.{request.sender_id}",
            "connection.answered",
            {"request": request.pk, "status": request.status},
            actor=user,
        )
    policy.forget_relations(user)
    return request


def withdraw_connection(user: User, request: ConnectionRequest) -> ConnectionRequest:
    """Withdraw a pending request, or end a connection the person is part of."""
    with transaction.atomic():
        request = _open_request(request.pk)
        if not policy.can(user, Action.VIEW, request):
            raise Http404("No such request.")
        if request.status not in ("pending", "accepted"):
            raise DomainError("This request is already closed.", code="answered")
        request.status = ConnectionRequest.Status.WITHDRAWN
        request.answered_at = timezone.now()
        request.save(update_fields=["status", "answered_at"])
    policy.forget_relations(user)
    return request


def block_person(user: User, person: User) -> Block:
    """Block a person: also ends follows, connections and open requests between them."""
    if user.pk == person.pk:
        raise DomainError("You cannot block yourself.", code="self")
    with transaction.atomic():
        found = account_services.block(user, person)
        Follow.objects.filter(
            Q(follower=user, followed=person) | Q(follower=person, followed=user)
        ).delete()
        now = timezone.now()
        ConnectionRequest.objects.filter(
            _between(user, person), status__in=["pending", "accepted"]
        ).update(status=ConnectionRequest.Status.WITHDRAWN, answered_at=now)
        MentorshipRequest.objects.filter(
            Q(mentee=user, mentor=person) | Q(mentee=person, mentor=user),
            status__in=["pending", "accepted"],
        ).update(status=MentorshipRequest.Status.ENDED, answered_at=now)
    policy.forget_relations(user)
    return found


def unblock_person(user: User, person: User) -> None:
    """Lift a block; connections it ended stay ended."""
    account_services.unblock(user, person)
    policy.forget_relations(user)
