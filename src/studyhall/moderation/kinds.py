"""Chat messages, profiles, portfolio items and study groups as flaggable content.

Each goes to the moderation queue of its community: a message to its room's,
a study group to its own, and a profile or portfolio item, which live outside
any community, to their owner's home community (the one they joined first,
`policy.home_community_id`). Direct messages are private to their people and
belong to no community: their people report them to the site's
administrators instead (kind "direct_message", moderation.direct).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.html import escape, linebreaks

from studyhall import policy
from studyhall.core.errors import DomainError
from studyhall.moderation.registry import ContentKind, ItemContext
from studyhall.policy import Action


def _set_hidden_column(actor: Any, item: Any, hidden: bool) -> None:
    # Runs inside moderation.services' transaction, which checked the policy
    # and audits the action; nothing else changes with it.
    type(item).objects.filter(pk=item.pk).update(is_hidden=hidden)
    item.is_hidden = hidden


# --- chat messages ----------------------------------------------------------------


def _get_message(user: Any, pk: int) -> Any:
    from studyhall.chat import selectors

    message = selectors.visible_message(user, pk)
    if message.room.is_direct:
        # No community moderates a direct message: see DIRECT_MESSAGE.
        raise Http404("No such message.")
    return message


def _load_messages(ids: list[int]) -> dict[int, Any]:
    from studyhall.chat.models import Message

    found = Message.objects.filter(pk__in=ids).select_related(
        "author", "room__community"
    )
    return {m.pk: m for m in found}


def _message_context(viewer: Any, message: Any) -> ItemContext:
    room = message.room
    return ItemContext(
        title=f"Message in {room.name or 'a room'}",
        excerpt_html=message.body_html
        if policy.can(viewer, Action.READ_TEXT, message)
        else "",
        url=reverse("chat:message-detail", args=[message.pk]),
        author_name=message.author.display_name,
        is_hidden=message.is_hidden,
        is_deleted=message.is_deleted,
        where=f"Chat room #{room.pk}",
    )


def _hide_message(actor: Any, message: Any, hidden: bool) -> None:
    from studyhall.chat import services

    services.set_message_hidden(actor, message, hidden=hidden)


def _delete_message(actor: Any, message: Any) -> None:
    from studyhall.chat import services

    services.delete_message(actor, message)


MESSAGE = ContentKind(
    name="message",
    label="Chat message",
    get=_get_message,
    load_many=_load_messages,
    community_id=lambda message: message.room.community_id,
    author_id=lambda message: message.author_id,
    context=_message_context,
    set_hidden=_hide_message,
    delete=_delete_message,
    is_hidden=lambda message: message.is_hidden,
)


# --- direct messages (reviewed by the site's administrators) -------------------------


def _get_direct(user: Any, pk: int) -> Any:
    from studyhall.chat import selectors

    message = selectors.visible_message(user, pk)
    if not message.room.is_direct:
        raise Http404("No such message.")
    return message


def _load_direct(ids: list[int]) -> dict[int, Any]:
    from studyhall.chat.models import Message

    found = Message.objects.filter(pk__in=ids, room__kind="direct").select_related(
        "author", "room"
    )
    return {m.pk: m for m in found}


def _no_community(message: Any) -> int:
    raise Http404("Direct messages are reviewed by the site's administrators.")


def _direct_context(viewer: Any, message: Any) -> ItemContext:
    return ItemContext(
        title="Direct message",
        excerpt_html=message.body_html
        if policy.can(viewer, Action.READ_TEXT, message)
        else "",
        url=reverse("chat:room-detail", args=[message.room_id])
        + f"#m-{message.number}",
        author_name=message.author.display_name,
        is_hidden=False,
        is_deleted=message.is_deleted,
        where="Direct messages",
    )


def _not_hidden(actor: Any, message: Any, hidden: bool) -> None:
    raise DomainError(
        "A direct message is not hidden: delete it, or restrict its author.",
        code="not_hideable",
    )


DIRECT_MESSAGE = ContentKind(
    name="direct_message",
    label="Direct message",
    get=_get_direct,
    load_many=_load_direct,
    community_id=_no_community,
    author_id=lambda message: message.author_id,
    context=_direct_context,
    set_hidden=_not_hidden,
    delete=_delete_message,
    is_hidden=lambda message: False,
)


# --- portfolio (showcase) items ------------------------------------------------------


def _load_showcase(ids: list[int]) -> dict[int, Any]:
    from studyhall.profiles.models import ShowcaseItem

    found = ShowcaseItem.objects.filter(pk__in=ids).select_related("owner__profile")
    return {item.pk: item for item in found}


def _get_showcase(user: Any, pk: int) -> Any:
    item = _load_showcase([pk]).get(pk)
    if item is None or not (
        policy.can(user, Action.VIEW, item) or policy.can(user, Action.MODERATE, item)
    ):
        raise Http404("No such item.")
    return item


def _home_community(person_id: int) -> int:
    community_id = policy.home_community_id(person_id)
    if community_id is None:
        raise DomainError(
            "This person belongs to no community whose moderators could review it.",
            code="no_moderators",
        )
    return community_id


def _showcase_context(viewer: Any, item: Any) -> ItemContext:
    readable = policy.can(viewer, Action.READ_TEXT, item)
    return ItemContext(
        title=item.title if readable else "Portfolio item",
        excerpt_html=(item.description_html or linebreaks(escape(item.description)))
        if readable
        else "",
        url=reverse("accounts:profile", args=[item.owner.handle])
        + f"#showcase-{item.pk}",
        author_name=item.owner.display_name,
        is_hidden=item.is_hidden,
        is_deleted=False,
        where="Portfolio",
    )


def _delete_showcase(actor: Any, item: Any) -> None:
    name = item.file.name
    type(item).objects.filter(pk=item.pk).delete()
    if name:
        storage = item.file.storage
        transaction.on_commit(lambda: storage.delete(name))


SHOWCASE = ContentKind(
    name="showcase",
    label="Portfolio item",
    get=_get_showcase,
    load_many=_load_showcase,
    community_id=lambda item: _home_community(item.owner_id),
    author_id=lambda item: item.owner_id,
    context=_showcase_context,
    set_hidden=_set_hidden_column,
    delete=_delete_showcase,
    is_hidden=lambda item: item.is_hidden,
)


# --- profiles ----------------------------------------------------------------------


def _load_profiles(ids: list[int]) -> dict[int, Any]:
    from studyhall.profiles.models import Profile

    return {p.pk: p for p in Profile.objects.filter(pk__in=ids).select_related("user")}


def _get_profile(user: Any, pk: int) -> Any:
    profile = _load_profiles([pk]).get(pk)
    if profile is None or not (
        policy.can(user, Action.VIEW_PROFILE, profile)
        or policy.can(user, Action.MODERATE, profile)
    ):
        raise Http404("No such profile.")
    return profile


def _profile_context(viewer: Any, profile: Any) -> ItemContext:
    readable = policy.can(viewer, Action.READ_TEXT, profile)
    headline = f"<p>{escape(profile.headline)}</p>" if profile.headline else ""
    return ItemContext(
        title=f"Profile of {profile.user.display_name}",
        excerpt_html=headline + profile.bio_html if readable else "",
        url=reverse("accounts:profile", args=[profile.user.handle]),
        author_name=profile.user.display_name,
        is_hidden=profile.is_hidden,
        is_deleted=False,
        where="Profile",
    )


def _delete_profile(actor: Any, profile: Any) -> None:
    raise DomainError(
        "A profile is not deleted from the queue: hide it, or restrict its owner.",
        code="not_deletable",
    )


PROFILE = ContentKind(
    name="profile",
    label="Profile",
    get=_get_profile,
    load_many=_load_profiles,
    community_id=lambda profile: _home_community(profile.user_id),
    author_id=lambda profile: profile.user_id,
    context=_profile_context,
    set_hidden=_set_hidden_column,
    delete=_delete_profile,
    is_hidden=lambda profile: profile.is_hidden,
)


# --- study groups --------------------------------------------------------------------


def _get_group(user: Any, pk: int) -> Any:
    from studyhall.groups import selectors

    return selectors.visible_group(user, pk)


def _load_groups(ids: list[int]) -> dict[int, Any]:
    from studyhall.groups.models import StudyGroup

    found = StudyGroup.objects.filter(pk__in=ids).select_related(
        "created_by", "community"
    )
    return {g.pk: g for g in found}


def _group_context(viewer: Any, group: Any) -> ItemContext:
    return ItemContext(
        title=group.name,
        excerpt_html=linebreaks(escape(group.goal)),
        url=reverse("groups:group-detail", args=[group.pk]),
        author_name=group.created_by.display_name,
        is_hidden=group.is_hidden,
        is_deleted=False,
        where="Study group",
    )


def _delete_group(actor: Any, group: Any) -> None:
    raise DomainError(
        "A study group is not deleted from the queue: hide it, and its organizers "
        "can close it.",
        code="not_deletable",
    )


GROUP = ContentKind(
    name="group",
    label="Study group",
    get=_get_group,
    load_many=_load_groups,
    community_id=lambda group: group.community_id,
    author_id=lambda group: group.created_by_id,
    context=_group_context,
    set_hidden=_set_hidden_column,
    delete=_delete_group,
    is_hidden=lambda group: group.is_hidden,
)
