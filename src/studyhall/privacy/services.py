"""Writes for data rights: preparing a person's data download, and deleting an
account after its grace period, erasing or keeping their posts."""

from __future__ import annotations

import io
import json
import os
import secrets
import zipfile
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
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

# Everything else a person created or that is about them alone, by app:
# (file in the archive, model, the field that names the person). Each row is
# exported with its own fields, the names of what it points to, and its
# uploaded file beside the JSON.
OWNED: list[tuple[str, str, str]] = [
    ("chat/messages.json", "chat.Message", "author"),
    ("chat/reactions.json", "chat.MessageReaction", "user"),
    ("groups/groups_started.json", "groups.StudyGroup", "created_by"),
    ("groups/memberships.json", "groups.GroupMembership", "user"),
    ("groups/resources.json", "groups.Resource", "added_by"),
    ("groups/tasks.json", "groups.Task", "created_by"),
    ("groups/task_comments.json", "groups.TaskComment", "author"),
    ("groups/sessions.json", "groups.StudySession", "created_by"),
    ("groups/rsvps.json", "groups.RSVP", "user"),
    ("library/items.json", "library.LibraryItem", "added_by"),
    ("library/comments.json", "library.LibraryComment", "author"),
    ("library/useful.json", "library.UsefulMark", "user"),
    ("library/reading_list.json", "library.ReadingListEntry", "user"),
    ("library/recommendations.json", "library.Recommendation", "recommended_by"),
    ("live/sessions_hosted.json", "live.LiveSession", "host"),
    ("live/questions.json", "live.Question", "author"),
    ("live/votes.json", "live.Ballot", "user"),
    ("live/attendance.json", "live.Attendance", "user"),
    ("recognition/points.json", "recognition.PointEvent", "user"),
    ("recognition/badges.json", "recognition.BadgeAward", "recipient"),
    ("recognition/certificates.json", "recognition.Certificate", "recipient"),
    ("recognition/kudos_given.json", "recognition.Kudos", "giver"),
    ("recognition/kudos_received.json", "recognition.Kudos", "recipient"),
    ("recognition/feedback_written.json", "recognition.Feedback", "author"),
    ("recognition/rubric_responses.json", "recognition.FeedbackResponse", "responder"),
    ("profile/details.json", "profiles.Profile", "user"),
    ("profile/tags.json", "profiles.ProfileTag", "user"),
    ("profile/following.json", "profiles.Follow", "follower"),
    ("profile/communities_followed.json", "profiles.CommunityFollow", "user"),
    ("profile/connection_requests_sent.json", "profiles.ConnectionRequest", "sender"),
    (
        "profile/connection_requests_received.json",
        "profiles.ConnectionRequest",
        "recipient",
    ),
    ("profile/showcase.json", "profiles.ShowcaseItem", "owner"),
    ("profile/mentorships_asked.json", "profiles.MentorshipRequest", "mentee"),
    ("profile/mentorships_given.json", "profiles.MentorshipRequest", "mentor"),
    ("profile/meetings.json", "profiles.Meeting", "created_by"),
    ("profile/opportunities.json", "profiles.Opportunity", "posted_by"),
    ("profile/bookmarks.json", "profiles.Bookmark", "user"),
    ("notifications/subscriptions.json", "notifications.Subscription", "user"),
    ("notifications/preferences.json", "notifications.Preference", "user"),
]
# Rows about the person alone, removed whether or not their content is kept:
# (model, the field that names the person). Order matters where one row
# points to another.
PERSONAL: list[tuple[str, str]] = [
    ("chat.RoomMember", "user"),
    ("chat.MessageMention", "user"),
    ("chat.MessageReaction", "user"),
    ("groups.GroupMembership", "user"),
    ("groups.RSVP", "user"),
    ("groups.CalendarFeed", "user"),
    ("groups.StudyPreferences", "user"),
    ("library.UsefulMark", "user"),
    ("library.ReadingListEntry", "user"),
    ("live.Ballot", "user"),
    ("live.QuestionVote", "user"),
    ("live.HandRaise", "user"),
    ("live.Attendance", "user"),
    ("recognition.LeaderboardOptOut", "user"),
    ("recognition.PointEvent", "user"),
    ("recognition.Kudos", "giver"),
    ("recognition.Kudos", "recipient"),
    ("recognition.BadgeAward", "recipient"),
    ("recognition.Certificate", "recipient"),
    ("recognition.CertificateBatch", "requested_by"),
    ("profiles.FeedEntry", "actor"),
    ("profiles.ProfileTag", "user"),
    ("profiles.Follow", "follower"),
    ("profiles.Follow", "followed"),
    ("profiles.CommunityFollow", "user"),
    ("profiles.ConnectionRequest", "sender"),
    ("profiles.ConnectionRequest", "recipient"),
    ("profiles.Meeting", "created_by"),
    ("profiles.MentorshipRequest", "mentee"),
    ("profiles.MentorshipRequest", "mentor"),
    ("profiles.Bookmark", "user"),
    ("profiles.ShowcaseItem", "owner"),
    ("profiles.Profile", "user"),
    ("notifications.Notification", "recipient"),
    ("notifications.OutboundEmail", "recipient"),
    ("notifications.Subscription", "user"),
    ("notifications.Preference", "user"),
]
# Shared content removed with "erase my posts too": (model, owner field).
# Files go with their rows.
ERASED_ROWS: list[tuple[str, str]] = [
    ("groups.Resource", "added_by"),
    ("library.LibraryItem", "added_by"),
    ("profiles.Opportunity", "posted_by"),
]
# Text blanked with "erase my posts too", where the row must stay for others:
# (model, owner field, {field: blank value}).
ERASED_TEXT: list[tuple[str, str, dict[str, Any]]] = [
    ("groups.TaskComment", "author", {"body": ""}),
    ("library.LibraryComment", "author", {"body": ""}),
    ("live.Question", "author", {"body": ""}),
    ("recognition.Feedback", "author", {"body": "", "body_html": ""}),
    ("recognition.FeedbackResponse", "responder", {"comment": ""}),
]
# Fields never exported: credentials and values that would let the file's
# reader act as the person.
SECRET_PARTS = ("token", "secret", "salt", "hash", "password")


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
                # A reported direct message: what the person chose to share.
                "shared_messages": f.context,
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


def _is_secret(name: str) -> bool:
    return any(part in name for part in SECRET_PARTS)


def _owned_rows(
    user: User, label: str, owner: str, folder: str
) -> tuple[list[dict[str, Any]], list[tuple[str, Any]]]:
    """Return the rows of `label` whose `owner` is the person, as JSON-safe
    dicts, and the (archive path, stored file) pairs of their uploads."""
    model = apps.get_model(label)
    fields = [f for f in model._meta.concrete_fields if not _is_secret(f.name)]
    related = [
        f.name
        for f in fields
        if f.is_relation and f.related_model is not User and f.many_to_one
    ]
    rows: list[dict[str, Any]] = []
    files: list[tuple[str, Any]] = []
    queryset = model._default_manager.filter(**{owner: user}).select_related(*related)
    for obj in queryset.order_by("pk"):
        row: dict[str, Any] = {}
        for field in fields:
            value = getattr(obj, field.attname)
            if isinstance(field, models.FileField):
                if value:
                    path = f"files/{folder}/{obj.pk}-{os.path.basename(value.name)}"
                    files.append((path, value))
                    row[field.name] = path
                continue
            row[field.attname] = _iso(value) if hasattr(value, "isoformat") else value
            if field.name in related and value is not None:
                row[field.name] = str(getattr(obj, field.name))
        rows.append(row)
    return rows, files


def build_export(export_id: int) -> DataExport | None:
    """Prepare the zip of the person's data, recording progress; idempotent."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status == DataExport.Status.READY:
        return export
    DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.RUNNING)
    sections = _sections(export.user)
    owned = [(name, label, owner) for name, label, owner in OWNED]
    steps = len(sections) + len(owned) + 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:

        def write(done: int, name: str, data: Any) -> None:
            archive.writestr(
                name, json.dumps(data, indent=2, default=str, ensure_ascii=False)
            )
            DataExport.objects.filter(pk=export.pk).update(progress=done * 100 // steps)

        for done, (name, load) in enumerate(sections, start=1):
            write(done, name, load())
        file_count = 0
        for done, (name, label, owner) in enumerate(owned, start=len(sections) + 1):
            folder = name.removesuffix(".json")
            rows, files = _owned_rows(export.user, label, owner, folder)
            for path, stored in files:
                try:
                    with stored.open("rb") as handle:
                        archive.writestr(path, handle.read())
                    file_count += 1
                except OSError:
                    # A file lost from storage: the row still says what it was.
                    continue
            write(done, name, rows)
        archive.writestr(
            "README.txt",
            f"Everything you created on {settings.SITE_NAME}, as JSON: posts, "
            "messages, your profile, groups, library items, badges, points, "
            f"certificates and more. files/ holds the {file_count} files you "
            "uploaded, next to the JSON that names them.\n",
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
        _forget_fragments_on_commit(user)
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
        # Their reports go, with the messages each shared; reports of their
        # own direct messages stay for the log, without their text if erased.
        Flag.objects.filter(flagger=user).delete()
        Appeal.objects.filter(case__author=user).delete()
        _forget_presence(user)
        for membership in Membership.objects.filter(user=user):
            membership.delete()
        _remove_rows(user, PERSONAL)
        # Others' notifications about the person keep their kind and link, not
        # the sentence naming them.
        apps.get_model("notifications.Notification").objects.filter(actor=user).update(
            text=""
        )
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
        _scrub_events(user, erase_content=erase_content)
        _refresh_search(user)


def _forget_fragments_on_commit(user: User) -> None:
    """Once the erasure is committed, remove the cached HTML of every post that
    shows the person's text or name: their own posts, replies naming them as
    the author replied to, posts they endorsed (discussions.fragments)."""
    from studyhall.discussions import fragments

    post_ids = list(
        Post.objects.filter(
            Q(author=user) | Q(reply_to__author=user) | Q(endorsed_by=user)
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: fragments.forget_posts(post_ids))


def _forget_presence(user: User) -> None:
    """Drop the person from the live presence lists of their rooms, which hold
    their name until they expire. Runs before their room memberships go."""
    from studyhall.chat import services as chat

    room_ids = apps.get_model("chat.RoomMember").objects.filter(user=user)
    chat.forget_presence(user.pk, list(room_ids.values_list("room_id", flat=True)))


def _erase_shared_messages(user: User) -> None:
    """Blank the person's messages in what reporters shared with the site's
    administrators (Flag.context), as their messages themselves are blanked."""
    # Scanned in Python: SQLite has no JSON containment lookup.
    shared = Flag.objects.filter(case__content_type="direct_message").exclude(
        context=[]
    )
    for flag in shared.only("pk", "context").iterator():
        if not any(entry.get("author_id") == user.pk for entry in flag.context):
            continue
        context = [
            {**entry, "html": ""} if entry.get("author_id") == user.pk else entry
            for entry in flag.context
        ]
        Flag.objects.filter(pk=flag.pk).update(context=context)


def _remove_rows(user: User, rows: list[tuple[str, str]]) -> None:
    """Delete the person's rows of these models, their stored files first."""
    for label, owner in rows:
        model = apps.get_model(label)
        doomed = model._default_manager.filter(**{owner: user})
        file_fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.FileField)
        ]
        for names in doomed.values_list(*file_fields) if file_fields else []:
            for name in names:
                if name:
                    default_storage.delete(name)
        doomed.delete()


def _scrub_events(user: User, *, erase_content: bool) -> None:
    """Rewrite stored events that carry the person as author (chat messages
    replayed to reconnecting clients): no name or handle, and no text when
    erasing."""
    from studyhall.realtime.models import Event

    for event in Event.objects.filter(payload__author__id=user.pk):
        payload = dict(event.payload)
        payload["author"] = {"id": user.pk, "name": DELETED_NAME, "handle": None}
        if erase_content:
            for key in ("html", "body", "text", "client_id"):
                if key in payload:
                    payload[key] = ""
            payload["is_deleted"] = True
        Event.objects.filter(pk=event.pk).update(payload=payload)


def _refresh_search(user: User) -> None:
    """Re-derive the search documents of the person's content, so erased text
    and anything no longer shown leave the index (search.indexing)."""
    from studyhall.search import indexing
    from studyhall.search.models import Document

    by_kind: dict[str, list[int]] = {}
    for kind, object_id in Document.objects.filter(author=user).values_list(
        "kind", "object_id"
    ):
        by_kind.setdefault(kind, []).append(object_id)
    for kind, ids in by_kind.items():
        indexing.index(kind, ids)


def _erase_content(user: User) -> None:
    now = timezone.now()
    _remove_rows(user, ERASED_ROWS)
    for label, owner, blank in ERASED_TEXT:
        apps.get_model(label)._default_manager.filter(**{owner: user}).update(**blank)
    # Groups the person started keep their members, not the name they gave.
    for group in apps.get_model("groups.StudyGroup").objects.filter(created_by=user):
        group.name, group.goal = f"Study group {group.pk}", ""
        group.save(update_fields=["name", "goal"])
        apps.get_model("discussions.Category").objects.filter(pk=group.board_id).update(
            name=f"Group: {group.name}"
        )
        apps.get_model("chat.Room").objects.filter(group=group).update(name=group.name)
    apps.get_model("chat.Message").objects.filter(author=user).update(
        body="", body_html="", client_id="", is_deleted=True, deleted_at=now
    )
    _erase_shared_messages(user)
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
