"""The points ledger: award, cap and reverse, and the community's rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Community, Membership
from studyhall.discussions.models import Post
from studyhall.policy import Action
from studyhall.recognition.models import (
    DEFAULT_RULES,
    Kind,
    LeaderboardOptOut,
    PointEvent,
    PointRule,
    RecognitionSettings,
    WeeklyGoal,
)


def user_stream(user_id: int) -> str:
    """Return a person's own stream, where recognition tells them what they got."""
    return f"user.{user_id}"


@dataclass(frozen=True)
class Rule:
    kind: str
    label: str
    points: int
    daily_cap: int | None


def rules_for(community: Community | int) -> dict[str, Rule]:
    """Return the community's rule for every kind, defaults filled in (one query)."""
    community_id = community if isinstance(community, int) else community.pk
    stored = {r.kind: r for r in PointRule.objects.filter(community_id=community_id)}
    rules = {}
    for kind, label in Kind.choices:
        row = stored.get(kind)
        points, cap = (
            (row.points, row.daily_cap) if row is not None else DEFAULT_RULES[kind]
        )
        rules[kind] = Rule(kind=kind, label=label, points=points, daily_cap=cap)
    return rules


def settings_for(community: Community) -> RecognitionSettings:
    """Return the community's recognition settings, unsaved defaults if none."""
    found = RecognitionSettings.objects.filter(community=community).first()
    return found or RecognitionSettings(community=community)


def award_points(
    community_id: int,
    user_id: int,
    kind: str,
    *,
    source_key: str,
    actor_id: int | None = None,
    post: Post | None = None,
    thread_id: int | None = None,
) -> PointEvent | None:
    """Record points for a contribution once per source; apply the daily cap.

    Idempotent: a second call with a standing award for the same source
    returns None. Nothing is recorded for acting on oneself or for someone
    who is no longer an active member. A capped award is still recorded,
    with the points that fit under the cap (possibly 0), so badges that
    count contributions still see it.
    """
    if actor_id is not None and actor_id == user_id:
        return None
    rule = rules_for(community_id)[kind]
    try:
        with transaction.atomic():
            # Lock the membership row so awards to one person are counted in turn
            # and two events cannot both fit under the cap.
            member = (
                Membership.objects.select_for_update()
                .filter(
                    community_id=community_id,
                    user_id=user_id,
                    status=Membership.Status.ACTIVE,
                )
                .first()
            )
            if member is None:
                return None
            standing = PointEvent.objects.filter(open_key=source_key).first()
            if standing is not None:
                # Heard again (a retried task): finish what the first call may
                # not have, the badge check, and award nothing new.
                _check_badges(standing)
                return None
            points = rule.points
            now = timezone.now()
            if rule.daily_cap is not None:
                points = min(
                    points, max(rule.daily_cap - _earned_today(member, kind, now), 0)
                )
            event = PointEvent.objects.create(
                community_id=community_id,
                user_id=user_id,
                kind=kind,
                points=points,
                source_key=source_key,
                open_key=source_key,
                post=post,
                thread_id_ref=thread_id,
                actor_id=actor_id,
                created_at=now,
            )
    except IntegrityError:
        # The same event was heard twice at once; the other call recorded it.
        return None
    _check_badges(event)
    return event


def _check_badges(event: PointEvent) -> None:
    from studyhall.recognition.services.badges import check_automatic_badges

    check_automatic_badges(event)


def _earned_today(member: Membership, kind: str, now: dt.datetime) -> int:
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    total = PointEvent.objects.filter(
        community_id=member.community_id,
        user_id=member.user_id,
        kind=kind,
        reverses__isnull=True,
        created_at__gte=start,
    ).aggregate(total=Sum("points"))["total"]
    return int(total or 0)


def reverse_points(
    events: list[PointEvent] | None = None,
    *,
    source_key: str | None = None,
    reason: str,
) -> list[PointEvent]:
    """Take back standing awards by appending opposite rows; return the reversals.

    Reversing an award that is already reversed does nothing.
    """
    reversals = []
    with transaction.atomic():
        query = PointEvent.objects.select_for_update().filter(open_key__isnull=False)
        if source_key is not None:
            query = query.filter(open_key=source_key)
        elif events is not None:
            query = query.filter(pk__in=[e.pk for e in events])
        for award in query:
            PointEvent.objects.filter(pk=award.pk).update(open_key=None)
            reversals.append(
                PointEvent.objects.create(
                    community_id=award.community_id,
                    user_id=award.user_id,
                    kind=award.kind,
                    points=-award.points,
                    source_key=award.source_key,
                    post_id=award.post_id,
                    thread_id_ref=award.thread_id_ref,
                    reverses=award,
                    reason=reason,
                )
            )
    return reversals


def reverse_for_post(
    post_id: int, *, reason: str, kinds: list[str] | None = None
) -> list[PointEvent]:
    """Reverse every standing award earned by a post (optionally only some kinds)."""
    query = PointEvent.objects.filter(post_id=post_id, open_key__isnull=False)
    if kinds is not None:
        query = query.filter(kind__in=kinds)
    return reverse_points(list(query), reason=reason)


def reverse_for_thread(
    thread_id: int,
    *,
    reason: str,
    kinds: list[str] | None = None,
    except_post: int | None = None,
) -> list[PointEvent]:
    """Reverse standing awards earned in a thread (optionally some kinds, sparing a post)."""
    query = PointEvent.objects.filter(thread_id_ref=thread_id, open_key__isnull=False)
    if kinds is not None:
        query = query.filter(kind__in=kinds)
    if except_post is not None:
        query = query.exclude(post_id=except_post)
    return reverse_points(list(query), reason=reason)


# --- rules and switches set by instructors -----------------------------------


def set_point_rules(
    actor: User, community: Community, *, rules: dict[str, tuple[int, int | None]]
) -> dict[str, Rule]:
    """Store the community's points and daily caps; owners and instructors may."""
    if not policy.can(actor, Action.MANAGE_RECOGNITION, community):
        raise PermissionDenied("Only owners and instructors can change point rules.")
    errors = {}
    for kind, (points, cap) in rules.items():
        if kind not in Kind.values:
            errors[kind] = "Unknown kind of contribution."
        elif not 0 <= points <= 1000:
            errors[f"{kind}_points"] = "Use 0 to 1,000 points."
        elif cap is not None and not 0 <= cap <= 10_000:
            errors[f"{kind}_cap"] = "Use a cap of 0 to 10,000, or leave it empty."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for kind, (points, cap) in rules.items():
            PointRule.objects.update_or_create(
                community=community,
                kind=kind,
                defaults={"points": points, "daily_cap": cap},
            )
    return rules_for(community)


def set_leaderboard_options(
    actor: User,
    community: Community,
    *,
    enabled: bool,
    term_started_on: dt.date | None = None,
) -> RecognitionSettings:
    """Turn the community's leaderboards on or off and set when the term began."""
    if not policy.can(actor, Action.MANAGE_RECOGNITION, community):
        raise PermissionDenied("Only owners and instructors can change leaderboards.")
    found, _ = RecognitionSettings.objects.update_or_create(
        community=community,
        defaults={"leaderboards_enabled": enabled, "term_started_on": term_started_on},
    )
    return found


def set_leaderboard_visibility(
    user: User, community: Community, *, hidden: bool
) -> None:
    """Hide the person from the community's leaderboards, or show them again."""
    if policy.role_in(user, community) is None:
        raise PermissionDenied("Join this community first.")
    if hidden:
        LeaderboardOptOut.objects.get_or_create(community=community, user=user)
    else:
        LeaderboardOptOut.objects.filter(community=community, user=user).delete()


def set_weekly_goal(user: User, *, target: int) -> WeeklyGoal:
    """Set how many people the person aims to help each week (1 to 50)."""
    if not 1 <= target <= 50:
        raise ValidationError({"target": "Choose a goal from 1 to 50 people a week."})
    goal, _ = WeeklyGoal.objects.update_or_create(
        user=user, defaults={"target": target}
    )
    return goal
