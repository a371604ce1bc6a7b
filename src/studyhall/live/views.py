"""Pages for live sessions. Thin: parse, call a service or selector, render.

Every action is a plain form post that redirects back to the page, so the
page works without JavaScript; live.js only refreshes parts of it on events."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from studyhall import policy
from studyhall.core.errors import DomainError
from studyhall.core.forms import AuthedRequest, add_service_errors
from studyhall.core.text import parse_id
from studyhall.discussions.selectors import visible_community
from studyhall.groups import selectors as group_selectors
from studyhall.live import forms, selectors, services
from studyhall.live.models import LiveSession
from studyhall.policy import Action


def live_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = visible_community(request.user, slug)
    return render(
        request,
        "live/live_list.html",
        {
            "community": community,
            "sessions": selectors.live_sessions(request.user, community)[:100],
            "can_host": policy.can(request.user, Action.HOST_LIVE, community),
        },
    )


@login_required
def live_create(
    request: AuthedRequest, slug: str | None = None, pk: int | None = None
) -> HttpResponse:
    group = group_selectors.visible_group(request.user, pk) if pk else None
    community = (
        group.community if group else visible_community(request.user, slug or "")
    )
    if not policy.can(request.user, Action.HOST_LIVE, group or community):
        raise PermissionDenied("Only instructors or group organizers host sessions.")
    sessions = list(group.sessions.all()) if group else []
    form = forms.LiveForm(request.POST or None, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        chosen = next(
            (s for s in sessions if s.pk == form.cleaned_data["study_session"]), None
        )
        try:
            live = services.open_live_session(
                request.user,
                community,
                title=form.cleaned_data["title"],
                group=group,
                study_session=chosen,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("live:live-detail", pk=live.pk)
    return render(
        request,
        "live/live_form.html",
        {"community": community, "group": group, "form": form},
    )


def live_detail(request: HttpRequest, pk: int) -> HttpResponse:
    live = selectors.visible_live(request.user, pk)
    if request.user.is_authenticated:
        services.record_attendance(request.user, live)  # type: ignore[arg-type]
    page = selectors.live_page(request.user, live)
    return render(
        request,
        "live/live_detail.html",
        {
            "community": live.community,
            "live": live,
            "page": page,
            "is_host": policy.can(request.user, Action.HOST_LIVE, live)
            and live.is_open,
            "can_take_part": policy.can(request.user, Action.TAKE_PART, live),
            "can_anonymous": policy.can(
                request.user, Action.POST_ANONYMOUSLY, live.community
            ),
            "poll_form": forms.PollForm(),
            "reactions": services.REACTIONS,
            "stream": services.live_stream(live),
        },
    )


Handler = Callable[[AuthedRequest, LiveSession], str | None]


def _action(handler: Handler) -> Callable[..., HttpResponse]:
    """Wrap a live action: load the session, run it, report errors as messages."""

    @require_POST
    @login_required
    def view(request: AuthedRequest, pk: int) -> HttpResponse:
        live = selectors.visible_live(request.user, pk)
        try:
            note = handler(request, live)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if note:
                messages.success(request, note)
        return redirect("live:live-detail", pk=live.pk)

    view.__name__ = handler.__name__
    return view


def _ids(values: list[str]) -> list[int]:
    return [i for i in (parse_id(v) for v in values) if i is not None]


@_action
def poll_create(request: AuthedRequest, live: LiveSession) -> str | None:
    form = forms.PollForm(request.POST)
    if not form.is_valid():
        raise ValidationError([e for errs in form.errors.values() for e in errs])
    data = form.cleaned_data
    services.create_poll(
        request.user,
        live,
        question=data["question"],
        options=data["options"].splitlines(),
        kind=data["kind"],
        is_anonymous=data["is_anonymous"],
    )
    return "Poll opened."


@_action
def poll_toggle(request: AuthedRequest, live: LiveSession) -> str | None:
    poll = selectors.poll_of(live, request.POST.get("poll"))
    services.set_poll_open(request.user, poll, is_open=request.POST.get("open") == "1")
    return None


@_action
def poll_vote(request: AuthedRequest, live: LiveSession) -> str | None:
    poll = selectors.poll_of(live, request.POST.get("poll"))
    services.vote(request.user, poll, option_ids=_ids(request.POST.getlist("option")))
    return "Vote counted."


@_action
def question_ask(request: AuthedRequest, live: LiveSession) -> str | None:
    services.ask_question(
        request.user,
        live,
        body=request.POST.get("body", ""),
        is_anonymous=request.POST.get("is_anonymous") == "on",
    )
    return "Question sent."


@_action
def question_upvote(request: AuthedRequest, live: LiveSession) -> str | None:
    question = selectors.question_of(live, request.POST.get("question"))
    services.upvote_question(request.user, question)
    return None


@_action
def question_mark(request: AuthedRequest, live: LiveSession) -> str | None:
    question = selectors.question_of(live, request.POST.get("question"))
    flag = request.POST.get("value") == "1"
    if request.POST.get("what") == "pinned":
        services.mark_question(request.user, question, pinned=flag)
    else:
        services.mark_question(request.user, question, answered=flag)
    return None


@_action
def hand_raise(request: AuthedRequest, live: LiveSession) -> str | None:
    services.raise_hand(request.user, live)
    return "Hand raised."


@_action
def hand_clear(request: AuthedRequest, live: LiveSession) -> str | None:
    hand = selectors.hand_of(live, request.POST.get("hand"))
    services.clear_hand(request.user, hand)
    return None


@_action
def reaction(request: AuthedRequest, live: LiveSession) -> str | None:
    services.react(request.user, live, emoji=request.POST.get("emoji", ""))
    return None


@_action
def live_end(request: AuthedRequest, live: LiveSession) -> str | None:
    services.end_live_session(request.user, live)
    return "Session ended; the recap is published."
