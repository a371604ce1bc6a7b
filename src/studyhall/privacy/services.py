"""Writes for data rights: preparing a person's data download, and deleting an
account after its grace period, erasing or keeping their posts."""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from studyhall.accounts.models import AccessToken, Block, LoginFailure, User
from studyhall.communities.models import Membership
from studyhall.discussions.models import (
    Draft,
    Post,
    PostRevision,
    Reaction,
    ReadMark,
    Thread,
)
from studyhall.moderation.models import Appeal, Case, Flag
from studyhall.privacy.models import AccountDeletion, DataExport
from studyhall.realtime.services import publish
from studyhall.security.models import ActiveSession, TwoFactor

EXPORT_DAYS = 7
DELETED_NAME = "Deleted member"


# --- download my data -------------------------------------------------------------


def request_export(user: User) -> DataExport:
    """Queue the preparation of the person's data download; one at a time."""
    from studyhall.privacy.tasks import build_export_task

    running = DataExport.objects.filter(
        user=user, status__in=[DataExport.Status.PENDING, DataExport.Status.RUNNING]
    ).first()
    if running is not None:
        return running
    export = DataExport.objects.create(user=user)
    transaction.on_commit(lambda: build_export_task.enqueue(export.pk))
    return export


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def _sections(user: User) -> list[tuple[str, Any]]:
    """Return (file name, loader) pairs for everything the person created."""

    def profile() -> Any:
        return {
            "email": user.email,
            "handle": user.handle,
            "display_name": user.display_name,
            "date_joined": _iso(user.date_joined),
            "email_verified_at": _iso(user.email_verified_at),
        }

    def memberships() -> Any:
        return [
            {
                "community": m.community.slug,
                "role": m.role,
                "status": m.status,
                "joined_at": _iso(m.joined_at),
            }
            for m in Membership.objects.filter(user=user).select_related("community")
        ]

    def threads() -> Any:
        return [
            {
                "id": t.pk,
                "community": t.community.slug,
                "title": t.title,
                "kind": t.kind,
                "is_anonymous": t.is_anonymous,
                "created_at": _iso(t.created_at),
            }
            for t in Thread.objects.filter(author=user).select_related("community")
        ]

    def posts() -> Any:
        return [
            {
                "id": p.pk,
                "thread": p.thread_id,
                "number": p.number,
                "body": p.body,
                "is_anonymous": p.is_anonymous,
                "is_deleted": p.is_deleted,
                "created_at": _iso(p.created_at),
                "edited_at": _iso(p.edited_at),
                "earlier_versions": [
                    {"body": r.body, "created_at": _iso(r.created_at)}
                    for r in p.revisions.all()
                    if r.editor_id == user.pk
                ],
            }
            for p in Post.objects.filter(author=user).prefetch_related("revisions")
        ]

    def reactions() -> Any:
        return list(
            Reaction.objects.filter(user=user).values("post_id", "kind", "created_at")
        )

    def drafts() -> Any:
        return list(Draft.objects.filter(user=user).values("key", "title", "body"))

    def flags() -> Any:
        return [
            {
                "content": f"{f.case.content_type} {f.case.object_id}",
                "reason": f.reason,
                "note": f.note,
                "created_at": _iso(f.created_at),
            }
            for f in Flag.objects.filter(flagger=user).select_related("case")
        ]

    def appeals() -> Any:
        return [
            {"text": a.text, "outcome": a.outcome, "created_at": _iso(a.created_at)}
            for a in Appeal.objects.filter(case__author=user)
        ]

    def sessions() -> Any:
        return [
            {
                "browser": s.user_agent,
                "signed_in": _iso(s.created_at),
                "last_seen": _iso(s.last_seen_at),
            }
            for s in ActiveSession.objects.filter(user=user)
        ]

    def tokens() -> Any:
        return list(AccessToken.objects.filter(user=user).values("name", "created_at"))

    return [
        ("profile.json", profile),
        ("memberships.json", memberships),
        ("threads.json", threads),
        ("posts.json", posts),
        ("reactions.json", reactions),
        ("drafts.json", drafts),
        ("flags.json", flags),
        ("appeals.json", appeals),
        ("sessions.json", sessions),
        ("access_tokens.json", tokens),
    ]


def build_export(export_id: int) -> DataExport | None:
    """Prepare the zip of the person's data, recording progress; idempotent."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status == DataExport.Status.READY:
        return export
    DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.RUNNING)
    sections = _sections(export.user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, (name, load) in enumerate(sections, start=1):
            archive.writestr(
                name, json.dumps(load(), indent=2, default=str, ensure_ascii=False)
            )
            DataExport.objects.filter(pk=export.pk).update(
                progress=done * 100 // (len(sections) + 1)
            )
        archive.writestr(
            "README.txt",
            "Everything you created on "
            f"{settings.SITE_NAME}, as JSON. studyhall has no file uploads yet, "
            "so there are no files beside it.\n",
        )
    path = f"exports/{export.user_id}/{secrets.token_urlsafe(16)}.zip"
    saved = default_storage.save(path, ContentFile(buffer.getvalue()))
    now = timezone.now()
    with transaction.atomic():
        export.status = DataExport.Status.READY
        export.progress = 100
        export.file_name = saved
        export.ready_at = now
        export.expires_at = now + timedelta(days=EXPORT_DAYS)
        export.save()
        # The notifications app turns this into a notification with the link.
        publish(f"user.{export.user_id}", "export.ready", {"export": export.pk})
    return export


def purge_expired_exports() -> int:
    """Delete downloads past their expiry, files first; return how many."""
    expired = list(DataExport.objects.filter(expires_at__lte=timezone.now()))
    for export in expired:
        if export.file_name:
            default_storage.delete(export.file_name)
        export.delete()
    return len(expired)


# --- delete my account ----------------------------------------------------------------


def request_deletion(user: User, *, mode: str, password: str) -> AccountDeletion:
    """Schedule the account's deletion after the grace period; the password
    confirms it is really the person."""
    if mode not in AccountDeletion.Mode.values:
        raise ValidationError({"mode": "Choose what happens to your posts."})
    if not user.check_password(password):
        raise ValidationError({"password": "That password is not right."})
    due = timezone.now() + timedelta(days=settings.ACCOUNT_DELETION_GRACE_DAYS)
    deletion, _ = AccountDeletion.objects.update_or_create(
        user=user, defaults={"mode": mode, "due_at": due}
    )
    return deletion


def cancel_deletion(user: User) -> None:
    """Keep the account after all."""
    AccountDeletion.objects.filter(user=user).delete()


def run_due_deletions() -> int:
    """Delete every account whose grace period has ended; return how many."""
    due = list(
        AccountDeletion.objects.filter(due_at__lte=timezone.now()).select_related(
            "user"
        )
    )
    for deletion in due:
        delete_account(deletion.user, erase_content=deletion.mode == "erase")
    return len(due)


def delete_account(user: User, *, erase_content: bool) -> None:
    """Remove the person's personal data. Their posts are erased, or kept under
    "Deleted member"; threads keep their other posts either way.

    The user row stays, anonymised, so others' replies and the moderation log
    keep their references.
    """
    with transaction.atomic():
        if erase_content:
            _erase_content(user)
        keys = list(
            ActiveSession.objects.filter(user=user).values_list(
                "session_key", flat=True
            )
        )
        Session.objects.filter(session_key__in=keys).delete()
        ActiveSession.objects.filter(user=user).delete()
        TwoFactor.objects.filter(user=user).delete()
        AccessToken.objects.filter(user=user).delete()
        LoginFailure.objects.filter(email__iexact=user.email).delete()
        Block.objects.filter(Q(blocker=user) | Q(blocked=user)).delete()
        Draft.objects.filter(user=user).delete()
        ReadMark.objects.filter(user=user).delete()
        Reaction.objects.filter(user=user).delete()
        Flag.objects.filter(flagger=user).delete()
        Appeal.objects.filter(case__author=user).delete()
        for membership in Membership.objects.filter(user=user):
            membership.delete()
        for export in DataExport.objects.filter(user=user):
            if export.file_name:
                default_storage.delete(export.file_name)
            export.delete()
        AccountDeletion.objects.filter(user=user).delete()
        user.email = f"deleted-{user.pk}@deleted.invalid"
        user.handle = f"deleted-{user.pk}"
        user.display_name = DELETED_NAME
        user.email_verified_at = None
        user.is_active = False
        user.set_unusable_password()
        user.save()


def _erase_content(user: User) -> None:
    now = timezone.now()
    posts = Post.objects.filter(author=user)
    PostRevision.objects.filter(post__in=posts).delete()
    posts.update(
        body="",
        body_html="",
        label_note="",
        is_deleted=True,
        deleted_at=now,
    )
    Thread.objects.filter(author=user).update(title="Deleted thread")
    Case.objects.filter(author=user, content_type="post").update(
        status=Case.Status.RESOLVED, resolution="deleted"
    )
