"""Pages for reported direct messages: the report form for a conversation's
people, and the site's queue, case page and audit log for its administrators.
Thin: parse, call moderation.direct, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from studyhall import policy
from studyhall.core.errors import DomainError, RateLimited
from studyhall.core.forms import AuthedRequest, add_service_errors, error_status
from studyhall.core.pagination import parse_page_number
from studyhall.moderation import direct, forms, selectors
from studyhall.moderation.views import _form_page, _query_without_page, _submit
from studyhall.policy import Action


@login_required
def dm_report(request: AuthedRequest, message_id: int) -> HttpResponse:
    # Anyone outside the conversation gets 404: the message is not theirs to see.
    _, message = selectors.flaggable(request.user, direct.KIND, message_id)
    if not policy.can(request.user, Action.FLAG, message):
        raise PermissionDenied("You cannot report your own or a deleted message.")
    back = reverse("chat:room-detail", args=[message.room_id]) + f"#m-{message.number}"
    form = forms.DirectReportForm(request.POST or None)
    refused: Exception | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            direct.report_direct_message(
                request.user,
                message,
                reason=data["reason"],
                note=data["note"],
                context_count=data["context_count"],
                block_author=data["block_author"],
            )
        except (ValidationError, DomainError) as error:
            refused = error
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Reported. The site's administrators will review it; you will "
                "be told when they have.",
            )
            return redirect(back)
    response = render(
        request,
        "moderation/dm_report.html",
        {
            "form": form,
            "message": message,
            "earlier": direct.earlier_messages(message),
            "back": back,
        },
        status=400 if form.errors else 200,
    )
    return error_status(response, refused if isinstance(refused, RateLimited) else None)


@login_required
def site_queue(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in direct.QUEUE_STATUSES:
        status = "open"
    page = direct.site_queue(
        request.user, status=status, page=parse_page_number(request.GET.get("page"))
    )
    return render(
        request,
        "moderation/site_queue.html",
        {
            "page": page,
            "status": status,
            "statuses": direct.QUEUE_STATUSES,
            "query": _query_without_page(request),
        },
    )


@login_required
def site_case(request: AuthedRequest, case_id: int) -> HttpResponse:
    item = direct.site_case(request.user, case_id)
    form = forms.SiteActionForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda data: direct.moderate_site_case(
            request.user,
            item.case,
            action=data["action"],
            reason=data["reason"],
            days=data.get("days"),
        ),
        done="Done. The action is in the site's audit log.",
        then=lambda: redirect("moderation:site-queue"),
    )
    if done is not None:
        return done
    return _form_page(
        request, "moderation/site_case.html", {"item": item, "form": form}
    )


@login_required
def site_log(request: AuthedRequest) -> HttpResponse:
    form = forms.AuditFilterForm(request.GET or None)
    filters = form.filters()
    page = direct.site_log_page(
        request.user,
        page=parse_page_number(request.GET.get("page")),
        **filters,
    )
    return render(
        request,
        "moderation/site_log.html",
        {"page": page, "form": form, "query": _query_without_page(request)},
    )
