"""Writes for the discussion boards.

Every function checks the policy, validates, writes in one transaction and
publishes its event on the thread's or community's stream.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Community
from studyhall.core.markdown import extract_mentions, render_markdown
from studyhall.core.text import clean_text, parse_id
from studyhall.discussions.models import (
    Category,
    Draft,
    Post,
    PostRevision,
    Reaction,
    ReadMark,
    Thread,
)
from studyhall.library.selectors import citation_resolver
from studyhall.moderation import gates
from studyhall.policy import Action
from studyhall.realtime.services import publish


def thread_stream(thread: Thread | int) -> str:
    return f"thread.{thread if isinstance(thread, int) else thread.pk}"


def community_stream(community: Community | int) -> str:
    return f"community.{community if isinstance(community, int) else community.pk}"


# --- validation and rendering ----------------------------------------------


def clean_title(title: str) -> str:
    """Return the stripped title or raise ValidationError with a clear message."""
    title = clean_text(title or "").strip()
    if not title:
        raise ValidationError({"title": "Give your post a title."})
    if len(title) > settings.TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": f"Use at most {settings.TITLE_MAX_LENGTH} characters "
                f"(this title has {len(title)})."
            }
        )
    return title


def clean_body(body: str) -> str:
    """Return the body without trailing space or raise ValidationError."""
    body = clean_text(body or "").rstrip()
    if not body.strip():
        raise ValidationError({"body": "Write something before posting."})
    if len(body) > settings.BODY_MAX_LENGTH:
        raise ValidationError(
            {
                "body": f"Use at most {settings.BODY_MAX_LENGTH:,} characters "
                f"(this text has {len(body):,})."
            }
        )
    return body


def render_body(body: str, *, community_id: int | None = None) -> str:
    """Render a post's Markdown to safe HTML, linking @mentions of members.

    With a community, only its active members are linked, so a post or a
    preview never tells whether someone outside it exists.
    """
    handles = extract_mentions(body)
    known: dict[str, int] = {}
    if handles:
        people = User.objects.annotate(handle_lower=Lower("handle")).filter(
            handle_lower__in=[h.lower() for h in handles], is_active=True
        )
        if community_id is not None:
            people = people.filter(
                memberships__community_id=community_id,
                memberships__status="active",
            )
        rows = people.values_list("handle", "pk")
        known = {h.lower(): pk for h, pk in rows}

    def resolve(handle: str) -> str | None:
        # Linked by id, not handle: the HTML is kept, and handles can change.
        pk = known.get(handle.lower())
        if pk is None:
            return None
        return reverse("accounts:profile-by-id", kwargs={"pk": pk})

    return render_markdown(
        body,
        resolve_mention=resolve,
        resolve_citation=citation_resolver(community_id),
    )


def preview(user: User, body: str, *, key: str = "") -> str:
    """Return the HTML a body would render to in the composer named by `key`.

    Mentions are linked only when the key names a composer of a community the
    person can see; otherwise they stay plain text.
    """
    body = clean_text(body[: settings.BODY_MAX_LENGTH])
    community_id = _composer_community_id(user, key)
    if community_id is None:
        return render_markdown(body)
    return render_body(body, community_id=community_id)


def _composer_community_id(user: User, key: str) -> int | None:
    kind, _, ident = key.partition(":")
    pk = parse_id(ident)
    if pk is None:
        return None
    target: Community | Thread | Post | None = None
    if kind == "thread":
        target = Community.objects.filter(pk=pk).first()
    elif kind == "reply":
        target = (
            Thread.objects.select_related("community", "category").filter(pk=pk).first()
        )
    elif kind == "edit":
        target = (
            Post.objects.select_related("thread__community", "thread__category")
            .filter(pk=pk)
            .first()
        )
    if target is None or not policy.can(user, Action.VIEW, target):
        return None
    return target.pk if isinstance(target, Community) else target.community_id


# --- categories --------------------------------------------------------------


def create_category(
    actor: User,
    community: Community,
    *,
    name: str,
    description: str = "",
    anonymity: str = Category.Anonymity.INHERIT,
) -> Category:
    """Add a category to a community; owners and instructors may."""
    if not policy.can(actor, Action.MANAGE_CATEGORIES, community):
        raise PermissionDenied("Only owners and instructors can add categories.")
    name, description = clean_text(name).strip(), clean_text(description)
    if not name:
        raise ValidationError({"name": "Give the category a name."})
    slug = slugify(name, allow_unicode=True)[:50] or "category"
    if Category.objects.filter(community=community, slug=slug).exists():
        raise ValidationError(
            {"name": "This community already has a category by that name."}
        )
    category = Category(
        community=community,
        name=name,
        slug=slug,
        description=description.strip(),
        anonymity=anonymity,
        position=Category.objects.filter(community=community).count(),
    )
    category.full_clean()
    category.save()
    return category


# --- threads and replies -----------------------------------------------------


def create_thread(
    author: User,
    community: Community,
    *,
    title: str,
    body: str,
    kind: str = Thread.Kind.QUESTION,
    category: Category | None = None,
    is_anonymous: bool = False,
    is_pinned: bool = False,
) -> Thread:
    """Start a thread (question, discussion or announcement) with its opening post."""
    if not policy.can(author, Action.START_THREAD, community):
        raise PermissionDenied("Join this community to start a thread.")
    if kind not in Thread.Kind.values:
        raise ValidationError({"kind": "Choose question, discussion or announcement."})
    if kind == Thread.Kind.ANNOUNCEMENT and not policy.can(
        author, Action.START_ANNOUNCEMENT, community
    ):
        raise PermissionDenied("Only instructors and owners can post announcements.")
    if category is not None and (
        category.community_id != community.pk
        or not policy.can(author, Action.VIEW, category)
    ):
        raise ValidationError({"category": "Choose a category of this community."})
    if is_anonymous and not policy.can(
        author, Action.POST_ANONYMOUSLY, category or community
    ):
        raise ValidationError(
            {"is_anonymous": "Anonymous posting is not allowed here."}
        )
    if is_pinned and not policy.can(
        author, Action.PIN_THREAD, Thread(community=community)
    ):
        raise PermissionDenied("Only staff can pin threads.")
    errors: dict[str, list[str]] = {}
    try:
        title = clean_title(title)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        body = clean_body(body)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    screened = gates.screen_post(
        author, community.pk, category=category, thread=None, body=body
    )
    body = screened.body
    body_html = render_body(body, community_id=community.pk)
    now = timezone.now()
    with transaction.atomic():
        thread = Thread.objects.create(
            community=community,
            category=category,
            author=author,
            kind=kind,
            title=title,
            is_anonymous=is_anonymous,
            is_pinned=is_pinned,
            created_at=now,
            last_activity_at=now,
        )
        opening = Post.objects.create(
            thread=thread,
            community=community,
            author=author,
            number=1,
            is_anonymous=is_anonymous,
            body=body,
            body_html=body_html,
            created_at=now,
        )
        if screened.hold_reason:
            opening.thread = thread
            gates.hold_post(opening, screened.hold_reason)
        Community.objects.filter(pk=community.pk).update(
            thread_count=F("thread_count") + 1
        )
        ReadMark.objects.update_or_create(
            user=author, thread=thread, defaults={"last_read_number": 1}
        )
        Draft.objects.filter(user=author, key=f"thread:{community.pk}").delete()
        publish(
            community_stream(community),
            "thread.created",
            {"thread": thread.pk, "kind": kind},
            actor=author,
        )
    return thread


def create_reply(
    author: User,
    thread: Thread,
    *,
    body: str,
    reply_to: Post | None = None,
    is_anonymous: bool = False,
) -> Post:
    """Add a reply at the end of a thread, optionally answering an earlier post."""
    if not policy.can(author, Action.REPLY, thread):
        raise PermissionDenied("Join this community to reply.")
    if reply_to is not None and (
        reply_to.thread_id != thread.pk or reply_to.is_deleted
    ):
        raise ValidationError(
            {"reply_to": "You can only reply to a post in this thread."}
        )
    if is_anonymous and not policy.can(author, Action.POST_ANONYMOUSLY, thread):
        raise ValidationError(
            {"is_anonymous": "Anonymous posting is not allowed here."}
        )
    body = clean_body(body)
    screened = gates.screen_post(
        author,
        thread.community_id,
        category=thread.category,
        thread=thread,
        body=body,
    )
    body = screened.body
    body_html = render_body(body, community_id=thread.community_id)
    now = timezone.now()
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        number = locked.last_post_number + 1
        post = Post.objects.create(
            thread=thread,
            community_id=thread.community_id,
            author=author,
            number=number,
            is_anonymous=is_anonymous,
            body=body,
            body_html=body_html,
            reply_to=reply_to,
            created_at=now,
        )
        Thread.objects.filter(pk=thread.pk).update(
            last_post_number=number,
            reply_count=F("reply_count") + 1,
            last_activity_at=now,
        )
        ReadMark.objects.update_or_create(
            user=author, thread=thread, defaults={"last_read_number": number}
        )
        if screened.hold_reason:
            post.thread = thread
            gates.hold_post(post, screened.hold_reason)
        Draft.objects.filter(user=author, key=f"reply:{thread.pk}").delete()
        payload = {"thread": thread.pk, "post": post.pk, "number": number}
        publish(thread_stream(thread), "reply.created", payload, actor=author)
        publish(
            community_stream(thread.community_id),
            "thread.replied",
            payload,
            actor=author,
        )
    thread.last_post_number = number
    thread.reply_count += 1
    thread.last_activity_at = now
    return post


def edit_post(editor: User, post: Post, *, body: str, title: str | None = None) -> Post:
    """Change a post's text, keeping the previous text as a revision."""
    if not policy.can(editor, Action.EDIT, post):
        raise PermissionDenied("You can only edit your own posts.")
    body = clean_body(body)
    thread = post.thread
    new_title = clean_title(title) if title is not None and post.is_opening else None
    if body == post.body and (new_title is None or new_title == thread.title):
        return post
    body_html = render_body(body, community_id=post.community_id)
    now = timezone.now()
    with transaction.atomic():
        PostRevision.objects.create(
            post=post,
            editor=editor,
            title=thread.title if post.is_opening else "",
            body=post.body,
            body_html=post.body_html,
            created_at=now,
        )
        post.body = body
        post.body_html = body_html
        post.edited_at = now
        post.save(update_fields=["body", "body_html", "edited_at"])
        if new_title is not None and new_title != thread.title:
            thread.title = new_title
            thread.save(update_fields=["title"])
        Draft.objects.filter(user=editor, key=f"edit:{post.pk}").delete()
        publish(
            thread_stream(thread),
            "post.edited",
            {"thread": thread.pk, "post": post.pk, "number": post.number},
            actor=editor,
        )
    return post


def delete_post(actor: User, post: Post) -> Post:
    """Delete a post softly; deleting the opening post deletes the whole thread."""
    if not policy.can(actor, Action.DELETE, post):
        raise PermissionDenied("You can only delete your own posts.")
    thread = post.thread
    now = timezone.now()
    with transaction.atomic():
        post.is_deleted = True
        post.deleted_at = now
        post.deleted_by = actor
        post.save(update_fields=["is_deleted", "deleted_at", "deleted_by"])
        # The post's text leaves the fragment cache, not only its pages.
        transaction.on_commit(lambda: _forget_fragments([post.pk]))
        if post.is_opening:
            thread.is_deleted = True
            thread.save(update_fields=["is_deleted"])
            Community.objects.filter(pk=thread.community_id).update(
                thread_count=F("thread_count") - 1
            )
        else:
            # Reactions on a deleted reply no longer count towards "top".
            updates: dict[str, object] = {
                "reply_count": F("reply_count") - 1,
                "reaction_count": F("reaction_count") - post.reactions.count(),
            }
            if thread.accepted_post_id == post.pk:
                updates["accepted_post"] = None
            Thread.objects.filter(pk=thread.pk).update(**updates)
            if post.endorsed_at is not None:
                _refresh_endorsed(thread)
        publish(
            thread_stream(thread),
            "post.deleted",
            {"thread": thread.pk, "post": post.pk, "number": post.number},
            actor=actor,
        )
    return post


def _forget_fragments(post_ids: list[int]) -> None:
    from studyhall.discussions import fragments

    fragments.forget_posts(post_ids)


def _refresh_endorsed(thread: Thread) -> None:
    has = Post.objects.filter(
        thread=thread, number__gt=1, is_deleted=False, endorsed_at__isnull=False
    ).exists()
    Thread.objects.filter(pk=thread.pk).update(has_endorsed_reply=has)
    thread.has_endorsed_reply = has


# --- answers, endorsements, reactions ----------------------------------------


def accept_answer(actor: User, post: Post) -> Thread:
    """Mark a reply as the accepted answer; accepting another replaces the first."""
    if not policy.can(actor, Action.ACCEPT_ANSWER, post):
        raise PermissionDenied("Only the person who asked can accept an answer.")
    thread = post.thread
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(accepted_post=post)
        thread.accepted_post = post
        publish(
            thread_stream(thread),
            "answer.accepted",
            {"thread": thread.pk, "post": post.pk, "number": post.number},
            actor=actor,
        )
    return thread


def unaccept_answer(actor: User, thread: Thread) -> Thread:
    """Clear the accepted answer of a question."""
    if not policy.can(actor, Action.ACCEPT_ANSWER, thread):
        raise PermissionDenied(
            "Only the person who asked can change the accepted answer."
        )
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(accepted_post=None)
        thread.accepted_post = None
        publish(
            thread_stream(thread), "answer.cleared", {"thread": thread.pk}, actor=actor
        )
    return thread


def endorse_post(actor: User, post: Post, *, endorse: bool = True) -> Post:
    """Endorse a post as an instructor, or withdraw the endorsement."""
    if not policy.can(actor, Action.ENDORSE, post):
        raise PermissionDenied("Only instructors can endorse posts.")
    thread = post.thread
    with transaction.atomic():
        if endorse:
            post.endorsed_by = actor
            post.endorsed_at = timezone.now()
        else:
            post.endorsed_by = None
            post.endorsed_at = None
        post.save(update_fields=["endorsed_by", "endorsed_at"])
        _refresh_endorsed(thread)
        publish(
            thread_stream(thread),
            "post.endorsed" if endorse else "post.unendorsed",
            {"thread": thread.pk, "post": post.pk, "number": post.number},
            actor=actor,
        )
    return post


def toggle_reaction(user: User, post: Post, *, kind: str) -> bool:
    """Add the person's reaction of this kind, or take it back; return whether it is on."""
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": "Choose thanks, +1 or insightful."})
    if not policy.can(user, Action.REACT, post):
        raise PermissionDenied("You cannot react to this post.")
    with transaction.atomic():
        deleted, _ = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
        if deleted:
            delta = -1
        else:
            try:
                with transaction.atomic():
                    Reaction.objects.create(post=post, user=user, kind=kind)
            except IntegrityError:
                # A concurrent click already added it: leave it on, count nothing.
                return True
            delta = 1
        Thread.objects.filter(pk=post.thread_id).update(
            reaction_count=F("reaction_count") + delta
        )
        publish(
            thread_stream(post.thread_id),
            "reaction.changed",
            {"thread": post.thread_id, "post": post.pk, "kind": kind, "on": delta > 0},
            actor=user,
        )
    return delta > 0


def set_pinned(actor: User, thread: Thread, *, pinned: bool) -> Thread:
    """Pin a thread to the top of its community's list, or unpin it."""
    if not policy.can(actor, Action.PIN_THREAD, thread):
        raise PermissionDenied("Only staff can pin threads.")
    with transaction.atomic():
        thread.is_pinned = pinned
        thread.save(update_fields=["is_pinned"])
        publish(
            community_stream(thread.community_id),
            "thread.pinned" if pinned else "thread.unpinned",
            {"thread": thread.pk},
            actor=actor,
        )
    return thread


# --- reading and drafts --------------------------------------------------------


def mark_read(
    user: User, thread: Thread, *, number: int, known: int | None = None
) -> None:
    """Record that the person has read the thread up to a post number (never backwards).

    `known` is the mark as the caller already read it; when it is already at
    or past `number`, nothing needs writing.
    """
    if not user.is_authenticated:
        return
    number = min(number, thread.last_post_number)
    if known is not None and known >= number:
        return
    updated = ReadMark.objects.filter(
        user=user, thread=thread, last_read_number__lt=number
    ).update(last_read_number=number, updated_at=timezone.now())
    if not updated:
        ReadMark.objects.get_or_create(
            user=user, thread=thread, defaults={"last_read_number": number}
        )


DRAFT_KEY_KINDS = ("thread", "reply", "edit")


def check_draft_key(key: str) -> None:
    """Raise Http404 unless the key names a composer ("reply:12")."""
    kind, _, ident = key.partition(":")
    if kind not in DRAFT_KEY_KINDS or parse_id(ident) is None:
        raise Http404("No such composer.")


def save_draft(user: User, *, key: str, title: str = "", body: str = "") -> Draft:
    """Keep what the person typed in a composer; an empty composer drops its draft."""
    check_draft_key(key)
    title, body = clean_text(title), clean_text(body)
    if not title.strip() and not body.strip():
        Draft.objects.filter(user=user, key=key).delete()
        return Draft(user=user, key=key)
    draft, _ = Draft.objects.update_or_create(
        user=user,
        key=key,
        defaults={
            "title": title[:400],
            "body": body[: settings.BODY_MAX_LENGTH + 1000],
            "updated_at": timezone.now(),
        },
    )
    return draft


def discard_draft(user: User, *, key: str) -> None:
    """Forget a composer's saved text."""
    Draft.objects.filter(user=user, key=key).delete()


# --- moderation state (called by moderation.services, which keeps the audit) ---


def set_post_hidden(actor: User | None, post: Post, *, hidden: bool) -> Post:
    """Hide a post pending review, or restore it; hiding the opening post hides
    the thread. `actor` None means the flag threshold hid it automatically.

    Must run inside the caller's transaction; the caller checks the policy.
    """
    post.is_hidden = hidden
    post.save(update_fields=["is_hidden"])
    thread = post.thread
    if post.is_opening and thread.is_hidden != hidden:
        thread.is_hidden = hidden
        thread.save(update_fields=["is_hidden"])
    publish(
        thread_stream(thread),
        "post.hidden" if hidden else "post.restored",
        {"thread": thread.pk, "post": post.pk, "number": post.number},
        actor=actor,
    )
    return post


def set_locked(actor: User, thread: Thread, *, locked: bool) -> Thread:
    """Lock a thread against new replies (moderators may still reply), or unlock it."""
    if not policy.can(actor, Action.MODERATE, thread):
        raise PermissionDenied("Only moderators can lock threads.")
    with transaction.atomic():
        thread.is_locked = locked
        thread.save(update_fields=["is_locked"])
        publish(
            thread_stream(thread),
            "thread.locked" if locked else "thread.unlocked",
            {"thread": thread.pk},
            actor=actor,
        )
    return thread


def move_thread(actor: User, thread: Thread, *, category: Category | None) -> Thread:
    """Move a thread to another category of its community (None: no category)."""
    if not policy.can(actor, Action.MODERATE, thread):
        raise PermissionDenied("Only moderators can move threads.")
    if category is not None and category.community_id != thread.community_id:
        raise ValidationError({"category": "Choose a category of this community."})
    with transaction.atomic():
        thread.category = category
        thread.save(update_fields=["category"])
        publish(
            community_stream(thread.community_id),
            "thread.moved",
            {"thread": thread.pk, "category": category.pk if category else None},
            actor=actor,
        )
    return thread
