"""Chat pages. Thin: parse, call a service or selector, render. They work with
JavaScript off; chat.js adds the live socket on top."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.chat import selectors, services
from studyhall.chat.forms import (
    ConversationForm,
    MessageForm,
    MoveForm,
    PersonForm,
    RoomForm,
)
from studyhall.chat.models import Message, MessageReaction, Room
from studyhall.core.errors import DomainError
from studyhall.core.forms import AuthedRequest, add_service_errors, error_status
from studyhall.core.text import parse_id
from studyhall.discussions.selectors import visible_community
from studyhall.policy import Action


def _room_url(room: Room, number: int | None = None) -> str:
    url = reverse("chat:room-detail", kwargs={"pk": room.pk})
    return f"{url}#m-{number}" if number else url


def _message_url(message: Message) -> str:
    if message.parent_id is not None:
        url = reverse("chat:message-detail", kwargs={"pk": message.parent_id})
        return f"{url}#m-{message.number}"
    return _room_url(message.room, message.number)


@login_required
def chat_home(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "chat/chat_home.html",
        {
            "rooms": selectors.my_rooms(request.user),
            "conversations": selectors.conversations(request.user),
            "form": ConversationForm(),
        },
    )


def _people_from(text: str) -> list[User]:
    handles = [h for h in re.split(r"[\s,]+", text.replace("@", " ")) if h]
    if not handles:
        raise ValidationError({"handles": "Name at least one person."})
    people = list(User.objects.filter(handle__in=handles[:20], is_active=True))
    found = {p.handle.lower() for p in people}
    missing = [h for h in handles if h.lower() not in found]
    if missing:
        raise ValidationError(
            {"handles": f"No one goes by {', '.join('@' + h for h in missing[:5])}."}
        )
    return people


@login_required
def conversation_start(request: AuthedRequest) -> HttpResponse:
    form = ConversationForm(request.POST or None, initial=request.GET or None)
    refused: Exception | None = None
    if request.method == "POST" and form.is_valid():
        try:
            people = _people_from(form.cleaned_data["handles"])
            room = services.start_conversation(request.user, people)
        except (ValidationError, DomainError) as error:
            add_service_errors(form, error)
            refused = error
        except PermissionDenied as error:
            form.add_error("handles", str(error))
        else:
            return redirect(_room_url(room))
    response = render(
        request,
        "chat/chat_home.html",
        {
            "rooms": selectors.my_rooms(request.user),
            "conversations": selectors.conversations(request.user),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )
    return error_status(response, refused)


def room_list(request: AuthedRequest, slug: str) -> HttpResponse:
    community = visible_community(request.user, slug)
    can_create = policy.can(request.user, Action.CREATE_ROOM, community)
    form = RoomForm(request.POST or None) if can_create else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only owners and instructors can open rooms.")
        if form.is_valid():
            try:
                room = services.create_room(
                    request.user, community, **form.cleaned_data
                )  # type: ignore[arg-type]
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(_room_url(room))
    return render(
        request,
        "chat/room_list.html",
        {
            "community": community,
            "rooms": selectors.community_rooms(request.user, community),
            "is_member": policy.role_in(request.user, community) is not None,
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _room_context(
    request: HttpRequest, room: Room, form: MessageForm | None = None
) -> dict[str, object]:
    before = parse_id(request.GET.get("before"))
    page = selectors.room_page(request.user, room, before=before)
    return {
        "room": room,
        "community": room.community,
        "page": page,
        "form": form or MessageForm(),
        "reaction_kinds": MessageReaction.Kind.choices,
        "online": services.online_in(room, request.user),
        "is_history": before is not None,
        "dm_muted_notice": services.dm_muted_notice(request.user)
        if room.is_direct and policy.is_dm_muted(request.user)
        else "",
    }


@login_required
def room_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    room = selectors.visible_room(request.user, pk)
    context = _room_context(request, room)
    page = context["page"]
    assert isinstance(page, selectors.RoomPage)
    if page.member is not None and not context["is_history"]:
        # The page shows the latest messages: they count as read once shown.
        services.mark_room_read(request.user, room, number=room.last_number)
    return render(request, "chat/room_detail.html", context)


@login_required
def room_unread(request: AuthedRequest, pk: int) -> HttpResponse:
    """Jump to the first unread message: the page of history that holds it."""
    room = selectors.visible_room(request.user, pk)
    page = selectors.room_page(request.user, room)
    number = page.first_unread_number
    if number is None:
        return redirect(_room_url(room))
    target = (
        Message.objects.filter(room=room, number__gte=number).order_by("number").first()
    )
    if target is None:
        return redirect(_room_url(room))
    if target.parent_id is not None:
        return redirect(_message_url(target))
    url = reverse("chat:room-detail", kwargs={"pk": room.pk})
    oldest = page.oldest_number
    if oldest is not None and target.number < oldest:
        url += f"?before={target.number + selectors.HISTORY_SIZE}"
    return redirect(f"{url}#m-{target.number}")


@login_required
@require_POST
def message_send(request: AuthedRequest, pk: int) -> HttpResponse:
    room = selectors.visible_room(request.user, pk)
    form = MessageForm(request.POST)
    parent = None
    parent_id = parse_id(request.POST.get("parent"))
    if request.POST.get("parent"):
        parent = Message.objects.filter(pk=parent_id or 0, room=room).first()
        if parent is None:
            raise Http404("No such message.")
    status = 400
    if form.is_valid():
        try:
            message, _ = services.send_message(
                request.user,
                room,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data.get("client_id") or "",
                parent=parent,
            )
        except (ValidationError, DomainError) as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            if not (room.is_direct and policy.is_dm_muted(request.user)):
                raise
            # Muted from direct messages: say until when, and keep the text.
            form.add_error(None, str(error))
            status = 403
        else:
            return redirect(_message_url(message))
    if parent is not None:
        return _thread_response(request, parent, form, status=status)
    return render(
        request,
        "chat/room_detail.html",
        _room_context(request, room, form),
        status=status,
    )


@login_required
@require_POST
def room_join(request: AuthedRequest, pk: int) -> HttpResponse:
    room = selectors.visible_room(request.user, pk)
    services.join_room(request.user, room)
    return redirect(_room_url(room))


@login_required
@require_POST
def room_leave(request: AuthedRequest, pk: int) -> HttpResponse:
    room = selectors.visible_room(request.user, pk)
    try:
        services.leave_room(request.user, room)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_room_url(room))
    if room.community is not None:
        return redirect("chat:room-list", slug=room.community.slug)
    return redirect("chat:home")


@login_required
@require_POST
def room_mute(request: AuthedRequest, pk: int) -> HttpResponse:
    room = selectors.visible_room(request.user, pk)
    services.set_muted(request.user, room, muted=request.POST.get("muted") == "1")
    return redirect(_room_url(room))


@login_required
@require_POST
def room_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    room = selectors.visible_room(request.user, pk)
    services.archive_room(
        request.user, room, archived=request.POST.get("archived") == "1"
    )
    return redirect(_room_url(room))


@login_required
def room_people(request: AuthedRequest, pk: int) -> HttpResponse:
    room = selectors.visible_room(request.user, pk)
    if not policy.can(request.user, Action.MANAGE_ROOM, room):
        raise PermissionDenied("Only the room's managers can change who is in it.")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = User.objects.filter(
            handle__iexact=form.cleaned_data["handle"].lstrip("@"), is_active=True
        ).first()
        try:
            if person is None:
                raise ValidationError({"handle": "No one goes by that handle."})
            if request.POST.get("remove") == "1":
                services.remove_room_member(request.user, room, person)
            else:
                services.add_room_member(request.user, room, person)
        except (ValidationError, DomainError) as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("handle", str(error))
        else:
            return redirect("chat:room-people", pk=room.pk)
    return render(
        request,
        "chat/room_people.html",
        {
            "room": room,
            "community": room.community,
            "people": selectors.room_page(request.user, room).people,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _thread_response(
    request: HttpRequest, message: Message, form: MessageForm, status: int = 200
) -> HttpResponse:
    [view] = selectors.message_views(request.user, [message])
    return render(
        request,
        "chat/message_detail.html",
        {
            "room": message.room,
            "community": message.room.community,
            "view": view,
            "replies": selectors.message_thread(request.user, message),
            "form": form,
            "can_send": policy.can(request.user, Action.SEND_MESSAGE, message.room),
            "reaction_kinds": MessageReaction.Kind.choices,
        },
        status=status,
    )


@login_required
def message_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    message = selectors.visible_message(request.user, pk)
    if message.parent_id is not None:
        return redirect(_message_url(message))
    return _thread_response(request, message, MessageForm())


@login_required
def message_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    message = selectors.visible_message(request.user, pk)
    if not policy.can(request.user, Action.EDIT, message):
        raise PermissionDenied("You can only edit your own messages.")
    form = MessageForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_message(request.user, message, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(_message_url(message))
    return render(
        request,
        "chat/message_edit.html",
        {"message": message, "room": message.room, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def message_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    message = selectors.visible_message(request.user, pk)
    services.delete_message(request.user, message)
    return redirect(_message_url(message))


@login_required
@require_POST
def message_react(request: AuthedRequest, pk: int) -> HttpResponse:
    message = selectors.visible_message(request.user, pk)
    try:
        services.toggle_message_reaction(
            request.user, message, kind=request.POST.get("kind", "")
        )
    except ValidationError:
        messages.error(request, "Choose one of the offered reactions.")
    return redirect(_message_url(message))


@login_required
def message_move(request: AuthedRequest, pk: int) -> HttpResponse:
    message = selectors.visible_message(request.user, pk)
    if not policy.can(request.user, Action.MOVE_TO_BOARD, message):
        raise PermissionDenied(
            "Only the message's author or the community's staff can do this."
        )
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.move_to_board(
                request.user, message, title=form.cleaned_data["title"]
            )
        except (ValidationError, DomainError) as error:
            add_service_errors(form, error)
        else:
            return redirect("discussions:thread-detail", pk=thread.pk)
    return render(
        request,
        "chat/message_move.html",
        {"message": message, "room": message.room, "form": form},
        status=400 if form.errors else 200,
    )
