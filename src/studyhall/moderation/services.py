"""Writes for moderation: flags, moderator actions, restrictions, appeals, settings.

Every function checks the policy, writes in one transaction and records what
happened in the audit log. The author of hidden content is told through an
event on their personal stream (`user.<id>`), which the notifications app
turns into a notification; their moderation page shows the same notice.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Community, Membership, Role
from studyhall.core.errors import DomainError, RateLimited
from studyhall.core.markdown import render_markdown
from studyhall.core.text import clean_text
from studyhall.discussions import services as discussions
from studyhall.discussions.models import Category, Post, PostLabel, Thread
from studyhall.moderation import gates
from studyhall.moderation.models import (
    Appeal,
    AuditEntry,
    Blackout,
    Case,
    Flag,
    ModerationSettings,
    Reason,
)
from studyhall.moderation.registry import ContentKind, kind_named
from studyhall.policy import Action
from studyhall.realtime.services import publish

NOTE_MAX_LENGTH = 500
REASON_MAX_LENGTH = 1000
APPEAL_MAX_LENGTH = 2000
# Site-level decisions (moderation.direct) against an author, appealable once.
SITE_APPEALABLE = ("deleted", "warned", "muted", "suspended")


def user_stream(user_id: int) -> str:
    return f"user.{user_id}"


def settings_for(community: Community) -> ModerationSettings:
    """Return the community's moderation settings, or unsaved defaults."""
    found = ModerationSettings.objects.filter(community=community).first()
    if found is None:
        found = ModerationSettings(
            community=community,
            auto_hide_threshold=settings.MODERATION_AUTO_HIDE_FLAGS,
        )
    return found


def _audit(
    community_id: int | None,
    actor: User | None,
    kind: str,
    *,
    case: Case | None = None,
    target_id: int | None = None,
    reason: str = "",
    until: Any = None,
) -> AuditEntry:
    if target_id is None and case is not None:
        target_id = case.author_id
    return AuditEntry.objects.create(
        community_id=community_id,
        actor=actor,
        kind=kind,
        case=case,
        content_type=case.content_type if case else "",
        object_id=case.object_id if case else None,
        target_id=target_id,
        reason=reason,
        until=until,
    )


def _clean_reason(reason: str, *, required: bool = True) -> str:
    reason = clean_text(reason or "").strip()
    if required and not reason:
        raise ValidationError({"reason": "Say why, for the log and for the member."})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"Use at most {REASON_MAX_LENGTH} characters."}
        )
    return reason


# --- flags ------------------------------------------------------------------------


def _count_flag(case: Case, now: Any) -> None:
    """Count one more flag on the case; flagged again after a review, it goes
    back into the queue, counted afresh."""
    if case.status == Case.Status.RESOLVED:
        case.status = Case.Status.OPEN
        case.opened_at = now
        case.resolution = ""
    case.flag_count = F("flag_count") + 1
    case.save()


def check_flag_rate(user: User) -> None:
    """Raise RateLimited when the person raised too many flags in the window."""
    window = settings.MODERATION_FLAG_WINDOW_SECONDS
    limit = settings.MODERATION_FLAGS_PER_WINDOW
    since = timezone.now() - timedelta(seconds=window)
    recent = list(
        Flag.objects.filter(flagger=user, created_at__gte=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return
    wait = window
    if recent:
        frees_at = recent[-1] + timedelta(seconds=window)
        wait = max(1, math.ceil((frees_at - timezone.now()).total_seconds()))
    raise RateLimited(
        f"You have flagged {limit} items in the last {window // 60} minutes, the "
        f"most allowed. You can flag again in {math.ceil(wait / 60)} minutes; "
        "moderators are already looking at what you reported.",
        code="flag_rate_limited",
        retry_after=wait,
    )


def is_trusted_flagger(user: User, community_id: int) -> bool:
    """Return whether the person's flags count towards hiding content
    automatically: trust level Member or above (see gates.trust_level)."""
    return gates.trust_level(user, community_id) >= gates.MEMBER


def set_trust_level(
    actor: User, membership: Membership, *, level: int | None, reason: str = ""
) -> Membership:
    """Set a member's trust level (None: earned by participation again)."""
    if not policy.can(actor, Action.MODERATE, membership.community):
        raise PermissionDenied("Only the community's moderators can do this.")
    if level is not None and level not in gates.TRUST_LEVELS:
        raise ValidationError({"level": "Choose New, Member or Trusted."})
    reason = _clean_reason(reason, required=False)
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(trust_level=level)
        membership.trust_level = level
        label = gates.TRUST_LEVELS[level] if level is not None else "earned"
        _audit(
            membership.community_id,
            actor,
            AuditEntry.Kind.TRUST,
            target_id=membership.user_id,
            reason=f"Trust level: {label}. {reason}".strip(),
        )
    return membership


def clean_flag(reason: str, note: str) -> str:
    """Check a flag's reason and return its cleaned note, or raise
    ValidationError; a note is needed with "Something else"."""
    if reason not in Reason.values:
        raise ValidationError({"reason": "Choose a reason."})
    note = clean_text(note or "").strip()
    if reason == Reason.OTHER and not note:
        raise ValidationError({"note": "Say what is wrong, so moderators can act."})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": f"Use at most {NOTE_MAX_LENGTH} characters."})
    return note


def flag_content(
    flagger: User, kind: ContentKind, item: Any, *, reason: str, note: str = ""
) -> Flag:
    """Flag an item for the community's moderators; enough trusted flags hide it
    pending review. One flag per person per item; flags are rate-limited."""
    if not policy.can(flagger, Action.FLAG, item):
        raise PermissionDenied("You cannot flag this.")
    note = clean_flag(reason, note)
    check_flag_rate(flagger)
    community_id = kind.community_id(item)
    trusted = is_trusted_flagger(flagger, community_id)
    threshold = settings_for(Community(pk=community_id)).auto_hide_threshold
    now = timezone.now()
    with transaction.atomic():
        case, _ = Case.objects.select_for_update().get_or_create(
            content_type=kind.name,
            object_id=item.pk,
            defaults={
                "community_id": community_id,
                "author_id": kind.author_id(item),
                "opened_at": now,
            },
        )
        try:
            with transaction.atomic():
                flag = Flag.objects.create(
                    case=case,
                    flagger=flagger,
                    reason=reason,
                    note=note,
                    is_trusted=trusted,
                    created_at=now,
                )
        except IntegrityError:
            raise DomainError(
                "You have already flagged this; moderators will look at it.",
                code="already_flagged",
            ) from None
        _count_flag(case, now)
        case.refresh_from_db()
        trusted_count = case.flags.filter(is_trusted=True).count()
        if (
            threshold
            and trusted_count >= threshold
            and not kind.is_hidden(item)
            and not case.is_auto_hidden
        ):
            kind.set_hidden(None, item, True)
            case.is_auto_hidden = True
            case.save(update_fields=["is_auto_hidden"])
            _audit(
                community_id,
                None,
                AuditEntry.Kind.AUTO_HIDE,
                case=case,
                reason=f"{trusted_count} flags from trusted members",
            )
            _tell_author(case, "moderation.hidden")
    return flag


def _tell_author(case: Case, event: str) -> None:
    # The notifications app listens for events on user streams and sends
    # the notification (realtime.hooks); the payload names no moderator.
    publish(
        user_stream(case.author_id),
        event,
        {"case": case.pk, "kind": case.content_type, "id": case.object_id},
    )


# --- moderator actions on content ----------------------------------------------------

CONTENT_ACTIONS = ("hide", "restore", "dismiss", "delete", "deny_appeal")


def _resolve(case: Case, actor: User, resolution: str) -> None:
    case.status = Case.Status.RESOLVED
    case.resolution = resolution
    case.resolved_at = timezone.now()
    case.resolved_by = actor
    case.save(update_fields=["status", "resolution", "resolved_at", "resolved_by"])


def case_for(kind: ContentKind, item: Any) -> Case:
    """Return the item's case, opening one without flags if none exists yet
    (a moderator acting on content nobody flagged)."""
    case, _ = Case.objects.get_or_create(
        content_type=kind.name,
        object_id=item.pk,
        defaults={
            "community_id": kind.community_id(item),
            "author_id": kind.author_id(item),
            "status": Case.Status.RESOLVED,
        },
    )
    return case


def moderate_content(
    actor: User, kind: ContentKind, item: Any, *, action: str, reason: str = ""
) -> Case:
    """Hide, restore, dismiss the flags on, or delete an item; or deny its appeal.

    Hiding needs a reason, which the author sees. Every action is audited.
    """
    if not policy.can(actor, Action.MODERATE, item):
        raise PermissionDenied("Only the community's moderators can do this.")
    if action not in CONTENT_ACTIONS:
        raise ValidationError({"action": "Choose what to do."})
    reason = _clean_reason(reason, required=action in {"hide", "delete"})
    community_id = kind.community_id(item)
    with transaction.atomic():
        case = case_for(kind, item)
        appeal = Appeal.objects.filter(case=case).first()
        if action == "hide":
            if not kind.is_hidden(item):
                kind.set_hidden(actor, item, True)
            _resolve(case, actor, "hidden")
            entry = AuditEntry.Kind.HIDE
            _tell_author(case, "moderation.hidden")
        elif action == "restore":
            if kind.is_hidden(item):
                kind.set_hidden(actor, item, False)
            case.is_auto_hidden = False
            case.save(update_fields=["is_auto_hidden"])
            _resolve(case, actor, "restored")
            entry = AuditEntry.Kind.RESTORE
            if appeal is not None and appeal.outcome == Appeal.Outcome.PENDING:
                _decide(appeal, Appeal.Outcome.GRANTED)
            _tell_author(case, "moderation.restored")
        elif action == "dismiss":
            if case.is_auto_hidden and kind.is_hidden(item):
                kind.set_hidden(actor, item, False)
                case.is_auto_hidden = False
                case.save(update_fields=["is_auto_hidden"])
            _resolve(case, actor, "dismissed")
            entry = AuditEntry.Kind.DISMISS
        elif action == "delete":
            kind.delete(actor, item)
            _resolve(case, actor, "deleted")
            entry = AuditEntry.Kind.DELETE
        else:
            if appeal is None or appeal.outcome != Appeal.Outcome.PENDING:
                raise DomainError("There is no appeal to decide.", code="no_appeal")
            _decide(appeal, Appeal.Outcome.DENIED)
            _resolve(case, actor, "appeal_denied")
            entry = AuditEntry.Kind.APPEAL_DENIED
            _tell_author(case, "moderation.appeal_denied")
        _audit(community_id, actor, entry, case=case, reason=reason)
    return case


def _decide(appeal: Appeal, outcome: str) -> None:
    appeal.outcome = outcome
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["outcome", "decided_at"])


def edit_as_moderator(actor: User, post: Post, *, body: str, reason: str) -> Post:
    """Edit someone's post as a moderator; the old text stays in its history and
    the reason goes to the audit log."""
    if not policy.can(actor, Action.MODERATE, post):
        raise PermissionDenied("Only the community's moderators can do this.")
    reason = _clean_reason(reason)
    with transaction.atomic():
        discussions.edit_post(actor, post, body=body)
        case = case_for(kind_named("post"), post)
        _audit(post.community_id, actor, AuditEntry.Kind.EDIT, case=case, reason=reason)
    return post


def lock_thread(actor: User, thread: Thread, *, locked: bool, reason: str) -> Thread:
    """Lock a thread against replies, or unlock it, and record why."""
    reason = _clean_reason(reason, required=locked)
    with transaction.atomic():
        discussions.set_locked(actor, thread, locked=locked)
        _audit(
            thread.community_id,
            actor,
            AuditEntry.Kind.LOCK if locked else AuditEntry.Kind.UNLOCK,
            target_id=thread.author_id,
            reason=reason,
        )
    return thread


def move_thread(
    actor: User, thread: Thread, *, category: Category | None, reason: str = ""
) -> Thread:
    """Move a thread to another category of its community, and record why."""
    reason = _clean_reason(reason, required=False)
    with transaction.atomic():
        discussions.move_thread(actor, thread, category=category)
        where = category.name if category else "no category"
        _audit(
            thread.community_id,
            actor,
            AuditEntry.Kind.MOVE,
            target_id=thread.author_id,
            reason=f"To {where}. {reason}".strip(),
        )
    return thread


# --- restrictions on members ---------------------------------------------------------

RESTRICTIONS = ("warn", "mute", "suspend", "ban", "lift")


def restrict_member(
    actor: User,
    membership: Membership,
    *,
    action: str,
    reason: str,
    days: int | None = None,
) -> Membership:
    """Warn, mute or suspend a member for some days, ban them, or lift all of it.

    Moderators restrict students and mentors; only owners restrict staff;
    nobody restricts an owner or themself.
    """
    community = membership.community
    if not policy.can(actor, Action.MODERATE, community):
        raise PermissionDenied("Only the community's moderators can do this.")
    if action not in RESTRICTIONS:
        raise ValidationError({"action": "Choose what to do."})
    if membership.user_id == actor.pk:
        raise DomainError("You cannot restrict yourself.", code="self_restrict")
    if membership.role == Role.OWNER:
        raise DomainError("Owners cannot be restricted.", code="owner_restrict")
    actor_role = policy.role_in(actor, community)
    if membership.role in policy.STAFF_ROLES and actor_role != Role.OWNER:
        raise PermissionDenied("Only owners can restrict staff.")
    reason = _clean_reason(reason, required=action != "lift")
    until = None
    if action in {"mute", "suspend"}:
        if days is None or not 1 <= days <= 365:
            raise ValidationError({"days": "Choose between 1 and 365 days."})
        until = timezone.now() + timedelta(days=days)
    with transaction.atomic():
        if action == "mute":
            membership.muted_until = until
        elif action == "suspend":
            membership.suspended_until = until
        elif action == "ban":
            membership.banned_at = timezone.now()
        elif action == "lift":
            membership.muted_until = None
            membership.suspended_until = None
            membership.banned_at = None
        membership.save(update_fields=["muted_until", "suspended_until", "banned_at"])
        _audit(
            community.pk,
            actor,
            action,
            target_id=membership.user_id,
            reason=reason,
            until=until,
        )
        publish(
            user_stream(membership.user_id),
            f"moderation.{action}",
            {"community": community.pk},
        )
    return membership


# --- appeals --------------------------------------------------------------------------


def appeal(author: User, case: Case, *, text: str) -> Appeal:
    """Ask the moderators to look again at hidden content; once per item."""
    kind = kind_named(case.content_type)
    item = kind.load_many([case.object_id]).get(case.object_id)
    if item is None or not policy.can(author, Action.APPEAL, item):
        raise PermissionDenied("Only the author of hidden content can appeal.")
    if case.community_id is None and case.resolution not in SITE_APPEALABLE:
        # A reported direct message: only a decision against its author.
        raise DomainError("There is no decision to appeal.", code="no_decision")
    text = clean_text(text or "").strip()
    if not text:
        raise ValidationError({"text": "Say why the decision should change."})
    if len(text) > APPEAL_MAX_LENGTH:
        raise ValidationError({"text": f"Use at most {APPEAL_MAX_LENGTH} characters."})
    with transaction.atomic():
        try:
            with transaction.atomic():
                made = Appeal.objects.create(case=case, text=text)
        except IntegrityError:
            raise DomainError(
                "You have already appealed this decision.", code="already_appealed"
            ) from None
        Case.objects.filter(pk=case.pk).update(status=Case.Status.OPEN)
        case.status = Case.Status.OPEN
    return made


# --- settings -------------------------------------------------------------------------


def update_settings(
    actor: User,
    community: Community,
    *,
    auto_hide_threshold: int,
    guidelines: str,
    word_filter: str = "",
) -> ModerationSettings:
    """Change the community's automatic-hiding threshold, guidelines and word
    filter (owners)."""
    if not policy.can(actor, Action.MANAGE_MODERATION, community):
        raise PermissionDenied("Only the community's owners can change this.")
    if not 0 <= auto_hide_threshold <= 100:
        raise ValidationError(
            {"auto_hide_threshold": "Choose a number from 0 (off) to 100."}
        )
    word_filter = clean_text(word_filter or "").strip()
    gates.parse_word_filter(word_filter)
    guidelines = clean_text(guidelines or "").strip()
    if len(guidelines) > 20_000:
        raise ValidationError({"guidelines": "Use at most 20,000 characters."})
    with transaction.atomic():
        found, _ = ModerationSettings.objects.update_or_create(
            community=community,
            defaults={
                "auto_hide_threshold": auto_hide_threshold,
                "guidelines": guidelines,
                "guidelines_html": render_markdown(guidelines) if guidelines else "",
                "word_filter": word_filter,
                "updated_at": timezone.now(),
            },
        )
        _audit(
            community.pk,
            actor,
            AuditEntry.Kind.SETTINGS,
            reason=f"Automatic hiding after {auto_hide_threshold} trusted flags.",
        )
    return found


# --- instructor labels ---------------------------------------------------------------


def label_post(actor: User, post: Post, *, label: str, note: str = "") -> Post:
    """Mark a post "verified by instructor" or "needs correction" with a note, or
    clear the label (label ""); instructors and owners may."""
    if not policy.can(actor, Action.LABEL, post):
        raise PermissionDenied("Only instructors can label posts.")
    if label and label not in PostLabel.values:
        raise ValidationError({"label": "Choose a label."})
    note = clean_text(note or "").strip()
    if label == PostLabel.NEEDS_CORRECTION and not note:
        raise ValidationError({"note": "Say what needs correcting."})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": f"Use at most {NOTE_MAX_LENGTH} characters."})
    with transaction.atomic():
        post.label = label
        post.label_note = note if label else ""
        post.labelled_by = actor if label else None
        post.labelled_at = timezone.now() if label else None
        post.save(update_fields=["label", "label_note", "labelled_by", "labelled_at"])
        _audit(
            post.community_id,
            actor,
            AuditEntry.Kind.LABEL,
            target_id=post.author_id,
            reason=f"{post.get_label_display() or 'Label cleared'}. {note}".strip(),
        )
        publish(
            discussions.thread_stream(post.thread_id),
            "post.labelled",
            {"thread": post.thread_id, "post": post.pk, "label": label},
            actor=actor,
        )
    return post


# --- slow mode and blackouts ------------------------------------------------------------


def set_slow_mode(actor: User, thread: Thread, *, seconds: int, reason: str) -> Thread:
    """Make each person wait `seconds` between replies in a heated thread (0: off)."""
    if not policy.can(actor, Action.MODERATE, thread):
        raise PermissionDenied("Only moderators can set slow mode.")
    if not 0 <= seconds <= 86_400:
        raise ValidationError({"seconds": "Choose from 0 (off) to 86,400 seconds."})
    reason = _clean_reason(reason, required=False)
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(slow_mode_seconds=seconds)
        thread.slow_mode_seconds = seconds
        _audit(
            thread.community_id,
            actor,
            AuditEntry.Kind.SLOW_MODE,
            target_id=thread.author_id,
            reason=f"{seconds} seconds between replies. {reason}".strip(),
        )
    return thread


def schedule_blackout(
    actor: User,
    community: Community,
    *,
    starts_at: Any,
    ends_at: Any,
    notice: str,
    categories: list[Category],
) -> Blackout:
    """Close posting in chosen categories (none: everywhere) for a time, with a
    notice saying why (owners)."""
    if not policy.can(actor, Action.MANAGE_MODERATION, community):
        raise PermissionDenied("Only the community's owners can schedule blackouts.")
    notice = clean_text(notice or "").strip()
    errors: dict[str, str] = {}
    if not notice:
        errors["notice"] = "Say why posting is closed, for the members."
    elif len(notice) > 500:
        errors["notice"] = "Use at most 500 characters."
    if ends_at <= starts_at:
        errors["ends_at"] = "End after the start."
    elif ends_at <= timezone.now():
        errors["ends_at"] = "Choose an end in the future."
    if any(c.community_id != community.pk for c in categories):
        errors["categories"] = "Choose categories of this community."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        blackout = Blackout.objects.create(
            community=community,
            starts_at=starts_at,
            ends_at=ends_at,
            notice=notice,
            created_by=actor,
        )
        blackout.categories.set(categories)
        _audit(
            community.pk,
            actor,
            AuditEntry.Kind.BLACKOUT,
            reason=f"Scheduled: {notice}",
            until=ends_at,
        )
    return blackout


def cancel_blackout(actor: User, blackout: Blackout) -> None:
    """Cancel a scheduled or running blackout (owners)."""
    if not policy.can(actor, Action.MANAGE_MODERATION, blackout.community):
        raise PermissionDenied("Only the community's owners can cancel blackouts.")
    with transaction.atomic():
        _audit(
            blackout.community_id,
            actor,
            AuditEntry.Kind.BLACKOUT,
            reason=f"Cancelled: {blackout.notice}",
        )
        blackout.delete()
