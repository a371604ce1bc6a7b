"""Security pages: two-factor set-up, the login's second step, and sessions."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.core.forms import AuthedRequest, add_service_errors
from studyhall.security import services, totp
from studyhall.security.middleware import OK_KEY
from studyhall.security.models import ActiveSession, TwoFactor

PENDING_KEY = "_two_factor_user"
NEXT_KEY = "_two_factor_next"
TRIES_KEY = "_two_factor_tries"
MAX_TRIES = 5


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or a recovery code.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
        error_messages={"required": "Enter the code."},
    )


@never_cache
@login_required
def overview(request: AuthedRequest) -> HttpResponse:
    two_factor = TwoFactor.objects.filter(user=request.user).first()
    return render(
        request,
        "security/overview.html",
        {
            "two_factor": two_factor,
            "required": policy.requires_two_factor(request.user),
            "sessions": list(ActiveSession.objects.filter(user=request.user)),
            "current_key": request.session.session_key,
        },
    )


@never_cache
@login_required
def two_factor(request: AuthedRequest) -> HttpResponse:
    found = services.start_two_factor(request.user)
    if found.is_active:
        return redirect("security:overview")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_two_factor(
                request.user, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[OK_KEY] = True
            return render(request, "security/recovery_codes.html", {"codes": codes})
    return render(
        request,
        "security/two_factor_setup.html",
        {
            "form": form,
            "secret": found.secret,
            "uri": totp.provisioning_uri(
                found.secret, request.user.email, settings.SITE_NAME
            ),
            "required": policy.requires_two_factor(request.user),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def two_factor_disable(request: AuthedRequest) -> HttpResponse:
    try:
        services.disable_two_factor(request.user, code=request.POST.get("code", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Two-factor authentication is off.")
    return redirect("security:overview")


@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The login's second step, for people with two-factor turned on."""
    user_id = request.session.get(PENDING_KEY)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.check_code(user, form.cleaned_data["code"]):
            next_url = request.session.get(NEXT_KEY) or reverse(
                settings.LOGIN_REDIRECT_URL
            )
            login(request, user)
            request.session[OK_KEY] = True
            return redirect(next_url)
        tries = request.session.get(TRIES_KEY, 0) + 1
        request.session[TRIES_KEY] = tries
        if tries >= MAX_TRIES:
            request.session.flush()
            messages.error(request, "Too many wrong codes. Log in again.")
            return redirect("accounts:login")
        form.add_error("code", "That code does not match.")
    return render(
        request,
        "security/two_factor_verify.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def begin_second_step(request: HttpRequest, user: User, next_url: str | None) -> bool:
    """Start the login's second step if the person uses two-factor; return
    whether it started (the caller then redirects to it)."""
    if not services.has_two_factor(user):
        return False
    request.session.cycle_key()
    request.session[PENDING_KEY] = user.pk
    request.session[NEXT_KEY] = next_url or ""
    request.session[TRIES_KEY] = 0
    return True


@require_POST
@login_required
def session_end(request: AuthedRequest, session_id: int) -> HttpResponse:
    try:
        services.end_session(request.user, session_id)
    except ValidationError:
        messages.error(request, "That session has already ended.")
    else:
        messages.success(request, "That session is signed out.")
    return redirect("security:overview")


@require_POST
@login_required
def log_out_everywhere(request: AuthedRequest) -> HttpResponse:
    ended = services.log_out_everywhere(request.user, keep=request.session.session_key)
    messages.success(
        request, f"Signed out of {ended} other session{'s' if ended != 1 else ''}."
    )
    return redirect("security:overview")
