"""Data-rights pages: the privacy page, my data (download, delete my account)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from studyhall import policy
from studyhall.communities.models import Community, Role
from studyhall.core.forms import AuthedRequest, add_service_errors
from studyhall.privacy import services
from studyhall.privacy.models import AccountDeletion, DataExport


class DeletionForm(forms.Form):
    mode = forms.ChoiceField(
        choices=AccountDeletion.Mode.choices,
        widget=forms.RadioSelect,
        label="Your posts",
        error_messages={"required": "Choose what happens to your posts."},
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        label="Your password, to confirm",
        error_messages={"required": "Type your password to confirm."},
    )


def privacy_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/privacy.html",
        {
            "site_name": settings.SITE_NAME,
            "login_window_minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60,
            "export_days": services.EXPORT_DAYS,
            "grace_days": settings.ACCOUNT_DELETION_GRACE_DAYS,
            "creators": settings.COMMUNITY_CREATORS,
            "two_factor_required": settings.TWO_FACTOR_REQUIRED_FOR_STAFF,
            "https": getattr(settings, "SECURE_SSL_REDIRECT", False),
            "analytics": _analytics_settings(request),
        },
    )


def _analytics_settings(request: HttpRequest) -> list[dict[str, object]]:
    """Return, for each community in the viewer's directory, who sees its
    analytics and what they show (one query)."""
    communities = policy.listed(request.user, Community.objects.all()).order_by(
        "name", "pk"
    )
    return [
        {
            "community": c,
            "roles": [r.label for r in Role if r in policy.analytics_roles(c)],
        }
        for c in communities.only(
            "name",
            "slug",
            "analytics_show_names",
            "analytics_include_chat",
            "analytics_min_group",
            "analytics_moderators",
            "analytics_mentors",
        )
    ]


@never_cache
@login_required
def my_data(request: AuthedRequest) -> HttpResponse:
    form = DeletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_deletion(
                request.user,
                mode=form.cleaned_data["mode"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your account will be deleted; see below.")
            return redirect("privacy:my-data")
    return render(
        request,
        "privacy/my_data.html",
        {
            "exports": list(DataExport.objects.filter(user=request.user)[:5]),
            "deletion": AccountDeletion.objects.filter(user=request.user).first(),
            "form": form,
            "grace_days": settings.ACCOUNT_DELETION_GRACE_DAYS,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def export_request(request: AuthedRequest) -> HttpResponse:
    services.request_export(request.user)
    messages.success(
        request, "Your download is being prepared. This page shows its progress."
    )
    return redirect("privacy:my-data")


@login_required
def export_download(request: AuthedRequest, export_id: int) -> HttpResponseBase:
    export = DataExport.objects.filter(pk=export_id, user=request.user).first()
    if export is None or export.status != DataExport.Status.READY or export.is_expired:
        raise Http404("This download does not exist or has expired.")
    response = FileResponse(
        default_storage.open(export.file_name, "rb"),
        as_attachment=True,
        filename=f"{settings.SITE_NAME}-my-data.zip",
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def deletion_cancel(request: AuthedRequest) -> HttpResponse:
    services.cancel_deletion(request.user)
    messages.success(request, "Your account will not be deleted.")
    return redirect("privacy:my-data")


@require_POST
@login_required
def delete_now(request: AuthedRequest) -> HttpResponse:
    """Skip the rest of the grace period (the request must already exist)."""
    deletion = AccountDeletion.objects.filter(user=request.user).first()
    if deletion is None:
        raise Http404("Ask to delete your account first.")
    user = request.user
    logout(request)
    services.delete_account(user, erase_content=deletion.mode == "erase")
    messages.success(request, "Your account is deleted.")
    return redirect("communities:home")
