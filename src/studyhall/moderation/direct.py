"""Reports of direct messages, reviewed by the site's administrators.

Direct conversations belong to no community, so no community moderator may
read them. A participant reports a message and chooses how many of the
messages before it (0 to 5) to share; that snapshot, stored on the report, is
all the administrators see of the conversation. Their cases have no community
(`Case.community` None) and their audit entries neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Membership
from studyhall.core.errors import DomainError
from studyhall.core.pagination import Page, paginate
from studyhall.moderation.models import Appeal, AuditEntry, Case, Flag
from studyhall.moderation.selectors import filter_audit
from studyhall.moderation.services import (
    _audit,
    _clean_reason,
    _count_flag,
    _decide,
    _resolve,
    check_flag_rate,
    clean_flag,
    user_stream,
)
from studyhall.policy import Action
from studyhall.realtime.services import publish

KIND = "direct_message"
CONTEXT_MAX = 5
SITE_ACTIONS = ("dismiss", "delete", "warn", "mute", "suspend", "deny_appeal", "lift")
QUEUE_STATUSES = {"open": "Waiting for review", "resolved": "Resolved"}


def _require_admin(user: Any) -> None:
    # The site's queue is not advertised: anyone else is told it is not here.
    if not policy.snapshot(user).is_site_admin:
        raise Http404("Nothing here.")


def _entry(message: Any, *, reported: bool) -> dict[str, Any]:
    return {
        "id": message.pk,
        "number": message.number,
        "author_id": message.author_id,
        "html": message.body_html,
        "created_at": message.created_at.isoformat(),
        "reported": reported,
    }


def _snapshot(message: Any, context_count: int) -> list[dict[str, Any]]:
    """Return the reported message and up to `context_count` readable messages
    before it in its conversation, oldest first."""
    from studyhall.chat.models import Message

    before = (
        list(
            Message.objects.filter(
                room_id=message.room_id, number__lt=message.number, is_deleted=False
            ).order_by("-number")[:context_count]
        )
        if context_count
        else []
    )
    return [_entry(m, reported=False) for m in reversed(before)] + [
        _entry(message, reported=True)
    ]


def earlier_messages(message: Any) -> list[Any]:
    """Return the (up to five) readable messages just before a message, oldest
    first, with their authors: what a report may share beside it. The caller
    has checked that the viewer is in the conversation."""
    from studyhall.chat.models import Message

    found = (
        Message.objects.filter(
            room_id=message.room_id, number__lt=message.number, is_deleted=False
        )
        .select_related("author")
        .order_by("-number")[:CONTEXT_MAX]
    )
    return list(reversed(found))


# --- reporting (participants) ---------------------------------------------------------


def report_direct_message(
    reporter: User,
    message: Any,
    *,
    reason: str,
    note: str = "",
    context_count: int = 0,
    block_author: bool = False,
) -> Flag:
    """Report a direct message to the site's administrators, sharing it and the
    `context_count` (0-5) messages before it; optionally block its author too.
    Only the conversation's people may report, once each; rate-limited."""
    if not policy.can(reporter, Action.FLAG, message):
        raise PermissionDenied("You cannot report this message.")
    note = clean_flag(reason, note)
    if not 0 <= context_count <= CONTEXT_MAX:
        raise ValidationError(
            {"context_count": f"Choose from 0 to {CONTEXT_MAX} earlier messages."}
        )
    check_flag_rate(reporter)
    now = timezone.now()
    with transaction.atomic():
        case, _ = Case.objects.select_for_update().get_or_create(
            content_type=KIND,
            object_id=message.pk,
            defaults={"community": None, "author_id": message.author_id},
        )
        try:
            with transaction.atomic():
                flag = Flag.objects.create(
                    case=case,
                    flagger=reporter,
                    reason=reason,
                    note=note,
                    context=_snapshot(message, context_count),
                    created_at=now,
                )
        except IntegrityError:
            raise DomainError(
                "You have already reported this message; the site's "
                "administrators will look at it.",
                code="already_flagged",
            ) from None
        _count_flag(case, now)
        if block_author:
            from studyhall.accounts import services as accounts

            accounts.block(reporter, message.author)
    return flag


# --- the site's queue (administrators) ------------------------------------------------


@dataclass
class SiteCase:
    case: Case
    reasons: list[str]
    flags: list[Flag]
    appeal: Appeal | None
    message: Any
    # Author id -> display name, for the snapshots.
    names: dict[int, str]


def site_cases(user: Any, *, status: str = "open") -> Any:
    """Return the site-level cases in a status, oldest first when open, for the
    site's administrators (404 for anyone else)."""
    _require_admin(user)
    cases = Case.objects.filter(community__isnull=True, status=status).select_related(
        "author", "appeal"
    )
    if status == Case.Status.OPEN:
        return cases.order_by("opened_at", "pk")
    return cases.order_by("-resolved_at", "-pk")


def site_queue(user: Any, *, status: str = "open", page: int = 1) -> Page[SiteCase]:
    """Return one page of the site's queue, each case with its reports, in a flat
    number of queries."""
    result = paginate(site_cases(user, status=status), page, settings.PAGE_SIZE)
    return Page(
        site_items(result.items), result.number, result.page_count, result.total
    )


def site_items(cases: list[Case]) -> list[SiteCase]:
    """Return already-authorised site cases (see site_cases) with their reports,
    message and names, in a flat number of queries."""
    from studyhall.chat.models import Message

    flags: dict[int, list[Flag]] = {c.pk: [] for c in cases}
    for flag in (
        Flag.objects.filter(case_id__in=list(flags))
        .select_related("flagger")
        .order_by("created_at", "pk")
    ):
        flags[flag.case_id].append(flag)
    messages = Message.objects.in_bulk([c.object_id for c in cases])
    author_ids = {c.author_id for c in cases}
    for found in flags.values():
        for flag in found:
            author_ids |= {entry["author_id"] for entry in flag.context}
    names = dict(
        User.objects.filter(pk__in=author_ids).values_list("pk", "display_name")
    )
    items = []
    for case in cases:
        try:
            appeal: Appeal | None = case.appeal
        except Appeal.DoesNotExist:
            appeal = None
        items.append(
            SiteCase(
                case=case,
                reasons=sorted({f.get_reason_display() for f in flags[case.pk]}),
                flags=flags[case.pk],
                appeal=appeal,
                message=messages.get(case.object_id),
                names=names,
            )
        )
    return items


def site_case(user: Any, case_id: int) -> SiteCase:
    """Return one site-level case with its reports and their snapshots."""
    _require_admin(user)
    case = (
        Case.objects.filter(pk=case_id, community__isnull=True)
        .select_related("author", "appeal")
        .first()
    )
    if case is None:
        raise Http404("No case here.")
    return site_items([case])[0]


def site_log(
    user: Any,
    *,
    kind: str = "",
    actor: str = "",
    target: str = "",
    since: datetime | None = None,
) -> Any:
    """Return the site-level audit log, newest first, filtered as a community's
    (`actor` and `target` are handles), for the site's administrators."""
    _require_admin(user)
    return filter_audit(
        AuditEntry.objects.filter(community__isnull=True),
        kind=kind,
        actor=actor,
        target=target,
        since=since,
    )


def site_log_page(user: Any, *, page: int = 1, **filters: Any) -> Page[AuditEntry]:
    """Return one page of the site-level audit log (filters as for site_log)."""
    return paginate(site_log(user, **filters), page, settings.PAGE_SIZE)


def my_reports(user: Any) -> list[Flag]:
    """Return the direct messages the person reported, newest first, with what
    became of each (never who reviewed it)."""
    return list(
        Flag.objects.filter(flagger_id=user.pk, case__community__isnull=True)
        .select_related("case")
        .order_by("-created_at", "-pk")[:50]
    )


# --- decisions (administrators) -------------------------------------------------------


def _tell(person_id: int, event: str, case: Case) -> None:
    publish(user_stream(person_id), event, {"case": case.pk, "kind": KIND})


def _tell_reporters(case: Case) -> None:
    for flagger_id in case.flags.values_list("flagger_id", flat=True):
        _tell(flagger_id, "moderation.report_closed", case)


def _until(days: int | None) -> datetime:
    if days is None or not 1 <= days <= 365:
        raise ValidationError({"days": "Choose between 1 and 365 days."})
    return timezone.now() + timedelta(days=days)


def moderate_site_case(
    actor: User,
    case: Case,
    *,
    action: str,
    reason: str = "",
    days: int | None = None,
) -> Case:
    """Dismiss a reported direct message, delete it, warn its author, mute them
    from direct messages or suspend their account for some days, deny their
    appeal, or lift what was decided. Audited; reporters and author are told."""
    from studyhall.chat import services as chat
    from studyhall.chat.models import Message

    message = (
        Message.objects.select_related("room", "author")
        .filter(pk=case.object_id)
        .first()
    )
    if (
        case.community_id is not None
        or message is None
        or not policy.can(actor, Action.MODERATE, message)
    ):
        raise Http404("No case here.")
    if action not in SITE_ACTIONS:
        raise ValidationError({"action": "Choose what to do."})
    reason = _clean_reason(reason, required=action not in {"dismiss", "lift"})
    author = message.author
    until = _until(days) if action in {"mute", "suspend"} else None
    if action == "suspend" and policy.snapshot(author).is_site_admin:
        raise DomainError(
            "An administrator's account is not suspended from here.",
            code="admin_restrict",
        )
    with transaction.atomic():
        appeal = Appeal.objects.filter(case=case).first()
        if action == "deny_appeal":
            if appeal is None or appeal.outcome != Appeal.Outcome.PENDING:
                raise DomainError("There is no appeal to decide.", code="no_appeal")
            _decide(appeal, Appeal.Outcome.DENIED)
            _resolve(case, actor, "appeal_denied")
            _audit_site(actor, AuditEntry.Kind.APPEAL_DENIED, case, reason)
            _tell(author.pk, "moderation.appeal_denied", case)
            return case
        if action == "lift":
            _lift(author, case)
            if appeal is not None and appeal.outcome == Appeal.Outcome.PENDING:
                _decide(appeal, Appeal.Outcome.GRANTED)
            _resolve(case, actor, "lifted")
            _audit_site(actor, AuditEntry.Kind.LIFT, case, reason)
            _tell(author.pk, "moderation.restored", case)
            return case
        if action == "delete" and not message.is_deleted:
            chat.delete_message(actor, message)
        elif action == "mute":
            User.objects.filter(pk=author.pk).update(dm_muted_until=until)
        elif action == "suspend":
            User.objects.filter(pk=author.pk).update(dm_muted_until=until)
            Membership.objects.filter(user=author).update(suspended_until=until)
        entry, resolution, event = {
            "dismiss": (AuditEntry.Kind.DISMISS, "dismissed", ""),
            "delete": (AuditEntry.Kind.DELETE, "deleted", "moderation.dm_deleted"),
            "warn": (AuditEntry.Kind.WARN, "warned", "moderation.warn"),
            "mute": (AuditEntry.Kind.DM_MUTE, "muted", "moderation.dm_mute"),
            "suspend": (
                AuditEntry.Kind.SUSPEND,
                "suspended",
                "moderation.site_suspend",
            ),
        }[action]
        _resolve(case, actor, resolution)
        _audit_site(actor, entry, case, reason, until=until)
        if event:
            _tell(author.pk, event, case)
        _tell_reporters(case)
    policy.forget(author)
    return case


def _audit_site(
    actor: User, kind: str, case: Case, reason: str, *, until: Any = None
) -> AuditEntry:
    return _audit(None, actor, kind, case=case, reason=reason, until=until)


def _lift(author: User, case: Case) -> None:
    """Clear the direct-message mute and the suspension this case imposed (a
    community's own suspensions, ending at other times, stay)."""
    imposed = list(
        AuditEntry.objects.filter(
            case=case, kind__in=[AuditEntry.Kind.DM_MUTE, AuditEntry.Kind.SUSPEND]
        ).values_list("until", flat=True)
    )
    if not imposed:
        return
    User.objects.filter(pk=author.pk, dm_muted_until__in=imposed).update(
        dm_muted_until=None
    )
    Membership.objects.filter(Q(suspended_until__in=imposed), user=author).update(
        suspended_until=None
    )
