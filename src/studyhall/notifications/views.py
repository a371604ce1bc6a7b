"""Pages for notifications, subscriptions and email settings, and the mail webhooks.

Thin: parse the request, call a service or selector, render.
"""

from __future__ import annotations

import hmac
import json
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from studyhall.accounts.models import User
from studyhall.core.forms import AuthedRequest, add_service_errors
from studyhall.core.pagination import parse_page_number
from studyhall.notifications import emails, inbound, selectors, services
from studyhall.notifications.forms import LevelForm, MuteForm, PreferenceForm
from studyhall.notifications.models import EmailKind, TargetType

logger = logging.getLogger(__name__)


@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page, days = selectors.notification_page(
        request.user,
        page=parse_page_number(request.GET.get("page")),
        unread_only=unread_only,
    )
    return render(
        request,
        "notifications/notification_list.html",
        {"page": page, "days": days, "unread_only": unread_only},
    )


@login_required
def notification_open(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go to the exact place it is about."""
    notification = selectors.notification_for(request.user, pk)
    if notification is None:
        raise Http404("No such notification.")
    services.mark_read(request.user, notification.pk)
    url = notification.url or reverse("notifications:list")
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = reverse("notifications:list")
    return redirect(url)


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return reverse("notifications:list")


@login_required
@require_POST
def notification_read(request: AuthedRequest, pk: int) -> HttpResponse:
    services.mark_read(request.user, pk)
    return redirect(_back(request))


@login_required
@require_POST
def read_all(request: AuthedRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    messages.success(
        request, f"Marked {count} notification{'s' if count != 1 else ''} read."
    )
    return redirect(_back(request))


# --- settings -------------------------------------------------------------------------


def _initial(user: User) -> dict[str, object]:
    pref = services.preference_for(user)
    return {
        name: getattr(pref, name)
        for name in PreferenceForm.base_fields
        if hasattr(pref, name)
    }


@login_required
def settings_page(request: AuthedRequest) -> HttpResponse:
    form = PreferenceForm(request.POST or None, initial=_initial(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_preferences(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your notification settings are saved.")
            return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "mute_form": MuteForm(),
            "followed": selectors.subscriptions_for(request.user),
        },
    )


@login_required
@require_POST
def mute(request: AuthedRequest) -> HttpResponse:
    form = MuteForm(request.POST)
    if form.is_valid():
        try:
            services.mute_person(request.user, form.cleaned_data["handle"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Muted. Nothing they do will notify you.")
            return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {
            "form": PreferenceForm(initial=_initial(request.user)),
            "mute_form": form,
            "followed": selectors.subscriptions_for(request.user),
        },
        status=400,
    )


@login_required
def follow(request: AuthedRequest, target_type: str, target_id: int) -> HttpResponse:
    if target_type not in TargetType.values:
        raise Http404("No such thing to follow.")
    target = services.subscription_target(request.user, target_type, target_id)
    is_person = target_type == TargetType.PERSON
    current = selectors.level_for(request.user, target_type, target.pk)
    form = LevelForm(request.POST or None, initial={"level": current}, person=is_person)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_subscription(
                request.user, target_type, target.pk, level=form.cleaned_data["level"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved how you hear about it.")
            return redirect(request.path)
    return render(
        request,
        "notifications/follow.html",
        {
            "form": form,
            "name": selectors.describe_target(target),
            "is_person": is_person,
        },
    )


# --- email --------------------------------------------------------------------------------


@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Show a confirmation (GET) or unsubscribe at once (POST, RFC 8058 one-click).

    A GET never unsubscribes: link checkers in mail systems fetch links.
    The signed token is the credential, so the POST needs no session or CSRF.
    """
    found = emails.read_unsubscribe_token(token)
    if found is None:
        raise Http404("This unsubscribe link is not valid.")
    user_id, kind = found
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise Http404("This unsubscribe link is not valid.")
    label = EmailKind(kind).label.lower()
    if request.method == "POST":
        services.unsubscribe(user, kind)
        return render(
            request,
            "notifications/unsubscribe.html",
            {"done": True, "label": label},
        )
    return render(
        request, "notifications/unsubscribe.html", {"done": False, "label": label}
    )


def _secret_ok(request: HttpRequest) -> bool:
    secret = settings.MAIL_WEBHOOK_SECRET
    if not secret:
        return False
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.strip().encode(), secret.encode())


@csrf_exempt
@require_POST
def bounce_webhook(request: HttpRequest) -> HttpResponse:
    """Stop mail to addresses the mail service reports as dead.

    Body: JSON {"email": "...", "type": "hard" | "soft" | "complaint", "reason": "..."}
    or a list of such objects. Soft bounces are only logged.
    """
    if not _secret_ok(request):
        return JsonResponse({"error": "not allowed"}, status=403)
    try:
        data = json.loads(request.body or b"null")
    except ValueError:
        return JsonResponse({"error": "send JSON"}, status=400)
    reports = data if isinstance(data, list) else [data]
    suppressed = 0
    for report in reports:
        if not isinstance(report, dict) or not isinstance(report.get("email"), str):
            return JsonResponse({"error": "each report needs an email"}, status=400)
        kind = str(report.get("type", "hard"))
        if kind == "soft":
            logger.info("soft bounce for %s", report["email"])
            continue
        try:
            services.suppress_address(
                report["email"], reason=f"{kind}: {report.get('reason', '')}"
            )
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        suppressed += 1
    return JsonResponse({"suppressed": suppressed})


@csrf_exempt
@require_POST
def inbound_webhook(request: HttpRequest) -> HttpResponse:
    """Accept a raw reply email (message/rfc822 body) and make it a reply."""
    if not _secret_ok(request):
        return JsonResponse({"error": "not allowed"}, status=403)
    recipient = request.headers.get("X-Envelope-To", "")
    try:
        post = inbound.receive(request.body, recipient=recipient)
    except inbound.InboundError as error:
        return JsonResponse({"error": error.message, "code": error.code}, status=422)
    return JsonResponse({"post": post.pk, "thread": post.thread_id}, status=201)
