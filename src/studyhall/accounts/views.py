"""Pages for signing up, verifying, logging in and out, and the account itself."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from studyhall.accounts import services
from studyhall.accounts.forms import (
    AccessTokenForm,
    LoginForm,
    ProfileForm,
    SignUpForm,
    add_service_errors,
)
from studyhall.accounts.models import AccessToken, User
from studyhall.core.errors import DomainError, RateLimited
from studyhall.security.views import begin_second_step

# --- helpers -----------------------------------------------------------------


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    """Return `candidate` when it points back into this site, else None."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return candidate
    return None


def _account_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# --- signing up and verifying ------------------------------------------------


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Create an account; the answer is the same whether or not the address is new."""
    form = SignUpForm(request.POST or None)
    retry_after: int | None = None
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_up(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                display_name=form.cleaned_data["display_name"],
                address=request.META.get("REMOTE_ADDR"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except RateLimited as error:
            form.add_error(None, error.message)
            retry_after = error.retry_after
        else:
            return redirect("accounts:signup-done")
    response = render(
        request,
        "accounts/signup.html",
        {"form": form},
        status=429 if retry_after else 200,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_GET
def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_done.html")


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Ask for a click on GET (mail scanners follow links); verify on POST."""
    if request.method == "GET":
        return render(request, "accounts/verify.html", {"token": token})
    try:
        verification = services.verify_email(token)
    except DomainError as error:
        return render(
            request, "accounts/verify.html", {"error": error.message}, status=400
        )
    user = verification.user
    if verification.is_first_use or request.user.pk == user.pk:
        login(request, user)
        messages.success(request, "Your email address is verified. Welcome!")
        return redirect(settings.LOGIN_REDIRECT_URL)
    # A link that was already used verifies nothing new and no longer logs in.
    messages.info(request, "Your email address is already verified. Log in to go on.")
    return redirect("accounts:login")


@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    """Mail the logged-in person a new verification link."""
    try:
        services.resend_verification(_account_user(request))
    except DomainError as error:
        messages.info(request, error.message)
    else:
        messages.success(
            request, f"We sent a new link to {_account_user(request).email}."
        )
    return redirect("accounts:account")


# --- logging in and out ------------------------------------------------------


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Log in with email and password, throttled per account and per address."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = LoginForm(request.POST or None)
    status = 200
    response_headers: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            user = services.log_in(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                address=request.META.get("REMOTE_ADDR"),
            )
        except services.LoginThrottled as error:
            form.add_error(None, error.message)
            status = 429
            response_headers["Retry-After"] = str(error.retry_after)
        else:
            if user is not None:
                if begin_second_step(request, user, next_url):
                    return redirect("security:two-factor-verify")
                login(request, user)
                return HttpResponseRedirect(
                    next_url or reverse(settings.LOGIN_REDIRECT_URL)
                )
            form.add_error(None, "That email and password don't match.")
    response = render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url or ""},
        status=status,
    )
    for name, value in response_headers.items():
        response[name] = value
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Log out; only by POST, so a link or an image cannot do it."""
    logout(request)
    next_url = _safe_next(request, request.POST.get("next"))
    return HttpResponseRedirect(next_url or reverse(settings.LOGOUT_REDIRECT_URL))


# --- password reset ----------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Mail a reset link; the answer is the same whether or not the account exists."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form: Any) -> HttpResponse:
        # Links point at the configured site address, never at the Host header.
        self.extra_email_context = {
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
        }
        # Answer after the same time whether or not the address has an
        # account, so timing does not tell either (sending mail takes time).
        started = time.monotonic()
        response = super().form_valid(form)
        floor = settings.PASSWORD_RESET_MIN_SECONDS
        time.sleep(max(0.0, floor - (time.monotonic() - started)))
        return response


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.complete_password_reset(form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- the account page --------------------------------------------------------


def _render_account(
    request: HttpRequest,
    *,
    profile_form: ProfileForm | None = None,
    token_form: AccessTokenForm | None = None,
    new_secret: str | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _account_user(request)
    if profile_form is None:
        profile_form = ProfileForm(
            initial={"display_name": user.display_name, "handle": user.handle}
        )
    context = {
        "profile_form": profile_form,
        "token_form": token_form or AccessTokenForm(),
        "tokens": AccessToken.objects.filter(user=user),
        "new_secret": new_secret,
    }
    return render(request, "accounts/account.html", context, status=status)


@never_cache
@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """Show the person's profile, verification status and access tokens."""
    return _render_account(request)


@never_cache
@login_required
@require_POST
def profile_update(request: HttpRequest) -> HttpResponse:
    """Change the person's display name and handle."""
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            services.update_profile(
                _account_user(request),
                display_name=form.cleaned_data["display_name"],
                handle=form.cleaned_data["handle"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:account")
    return _render_account(request, profile_form=form)


@never_cache
@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Create an access token and show its secret in this response only.

    The page is rendered here rather than after a redirect so the secret is
    never written to the session or anywhere else on the server.
    """
    form = AccessTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = services.create_access_token(
                _account_user(request), name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Token “{token.name}” created.")
            return _render_account(request, new_secret=secret)
    return _render_account(request, token_form=form)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the person's tokens; anyone else's is not found."""
    try:
        token = services.revoke_access_token(_account_user(request), token_id)
    except AccessToken.DoesNotExist as error:
        raise Http404("No such token.") from error
    messages.success(request, f"Token “{token.name}” is revoked.")
    return redirect("accounts:account")
