"""Moderation pages. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from studyhall import policy
from studyhall.communities.models import Membership
from studyhall.core.errors import DomainError
from studyhall.core.forms import AuthedRequest, add_service_errors
from studyhall.core.pagination import parse_page_number
from studyhall.core.text import parse_id
from studyhall.discussions import selectors as board
from studyhall.discussions.models import Post
from studyhall.moderation import direct, forms, gates, selectors, services
from studyhall.moderation.models import Appeal, Case
from studyhall.moderation.registry import post_url
from studyhall.policy import Action


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _submit(
    request: AuthedRequest,
    form: Form,
    act: Callable[[dict[str, Any]], object],
    *,
    done: str,
    then: Callable[[], HttpResponse],
) -> HttpResponse | None:
    """Run a moderation service on a valid POST and redirect with `done`; return
    None to show the form again, with the service's errors and what was typed."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        act(form.cleaned_data)
    except (ValidationError, DomainError) as error:
        add_service_errors(form, error)
        return None
    messages.success(request, done)
    return then()


def _form_page(
    request: HttpRequest, template: str, context: dict[str, Any]
) -> HttpResponse:
    """Render a moderation form page: 400 when its form has errors."""
    form = context["form"]
    return render(request, template, context, status=400 if form.errors else 200)


def _moderated_post(
    request: AuthedRequest, slug: str, post_pk: int, action: Action
) -> Post:
    """Return a post of the community the person may take the action on;
    404 for a post elsewhere, 403 when they may see it but not act."""
    post = board.visible_post(request.user, post_pk)
    if post.thread.community.slug != slug:
        raise Http404("No such post.")
    if not policy.can(request.user, action, post):
        if action is Action.MODERATE:
            raise Http404("No such post.")
        raise PermissionDenied("Only instructors can label posts.")
    return post


# --- flagging (any member) ---------------------------------------------------------


@login_required
def flag_create(
    request: AuthedRequest, content_type: str, object_id: int
) -> HttpResponse:
    if content_type == direct.KIND:
        return redirect("moderation:dm-report", message_id=object_id)
    kind, item = selectors.flaggable(request.user, content_type, object_id)
    context_ = kind.context(request.user, item)
    if not policy.can(request.user, Action.FLAG, item):
        raise PermissionDenied("You cannot flag this.")
    form = forms.FlagForm(request.POST or None)
    status = 200
    headers: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_content(
                request.user,
                kind,
                item,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except services.RateLimited as error:
            form.add_error(None, error.message)
            status = 429
            headers["Retry-After"] = str(error.retry_after)
        except (ValidationError, DomainError) as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Thank you. The community's moderators will look at it."
            )
            return redirect(context_.url)
    if form.errors and status == 200:
        status = 400
    response = render(
        request,
        "moderation/flag_form.html",
        {"form": form, "item": context_, "kind": kind},
        status=status,
    )
    for name, value in headers.items():
        response[name] = value
    return response


# --- the queue and one item (moderators) ---------------------------------------------


@login_required
def queue(request: AuthedRequest, slug: str) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    status = request.GET.get("status", "open")
    if status not in selectors.QUEUE_STATUSES:
        status = "open"
    page = selectors.queue(
        request.user,
        community,
        status=status,
        page=parse_page_number(request.GET.get("page")),
    )
    return render(
        request,
        "moderation/queue.html",
        {
            "community": community,
            "page": page,
            "status": status,
            "statuses": selectors.QUEUE_STATUSES,
            "query": _query_without_page(request),
            "can_read_log": policy.can(request.user, Action.VIEW_AUDIT_LOG, community),
        },
    )


@login_required
def item_review(
    request: AuthedRequest, slug: str, content_type: str, object_id: int
) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    if not policy.can(request.user, Action.MODERATE, community):
        raise Http404("No such item.")
    kind, item = selectors.flaggable(request.user, content_type, object_id)
    if kind.community_id(item) != community.pk:
        raise Http404("No such item.")
    form = forms.ContentActionForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda data: services.moderate_content(
            request.user, kind, item, action=data["action"], reason=data["reason"]
        ),
        done="Done. The action is in the audit log.",
        then=lambda: redirect("moderation:queue", slug=slug),
    )
    if done is not None:
        return done
    case = Case.objects.filter(content_type=kind.name, object_id=item.pk).first()
    review = selectors.case_detail(request.user, case.pk) if case else None
    thread = item.thread if isinstance(item, Post) else None
    author_membership = (
        Membership.objects.filter(community=community, user_id=kind.author_id(item))
        .only("pk")
        .first()
    )
    return _form_page(
        request,
        "moderation/item_review.html",
        {
            "community": community,
            "kind": kind,
            "item": item,
            "context": kind.context(request.user, item),
            "review": review,
            "flags": selectors.case_flags(request.user, case) if case else [],
            "form": form,
            "thread": thread,
            "author_membership": author_membership,
        },
    )


@login_required
def post_edit(request: AuthedRequest, slug: str, post_pk: int) -> HttpResponse:
    post = _moderated_post(request, slug, post_pk, Action.MODERATE)
    form = forms.ModeratorEditForm(request.POST or None, initial={"body": post.body})
    done = _submit(
        request,
        form,
        lambda data: services.edit_as_moderator(
            request.user, post, body=data["body"], reason=data["reason"]
        ),
        done="Edited. The earlier text is in the history.",
        then=lambda: redirect("moderation:item-review", slug, "post", post.pk),
    )
    return done or _form_page(
        request,
        "moderation/post_edit.html",
        {"community": post.thread.community, "post": post, "form": form},
    )


@login_required
def post_label(request: AuthedRequest, slug: str, post_pk: int) -> HttpResponse:
    post = _moderated_post(request, slug, post_pk, Action.LABEL)
    form = forms.LabelForm(
        request.POST or None, initial={"label": post.label, "note": post.label_note}
    )
    done = _submit(
        request,
        form,
        lambda data: services.label_post(
            request.user, post, label=data["label"], note=data["note"]
        ),
        done="Label saved; it shows wherever the post shows.",
        then=lambda: redirect(post_url(post)),
    )
    return done or _form_page(
        request,
        "moderation/post_label.html",
        {"community": post.thread.community, "post": post, "form": form},
    )


@login_required
def thread_actions(request: AuthedRequest, slug: str, thread_id: int) -> HttpResponse:
    thread = board.visible_thread(request.user, thread_id)
    community = thread.community
    if community.slug != slug or not policy.can(request.user, Action.MODERATE, thread):
        raise Http404("No such thread.")
    categories = board.categories_for(request.user, community)
    form = forms.ThreadActionForm(
        request.POST or None,
        initial={"category": str(thread.category_id or "")},
        categories=[(str(c.pk), c.name) for c in categories],
    )

    def act(data: dict[str, Any]) -> object:
        if data["action"] == "slow":
            return services.set_slow_mode(
                request.user,
                thread,
                seconds=data["seconds"] or 0,
                reason=data["reason"],
            )
        if data["action"] == "move":
            category = next(
                (c for c in categories if str(c.pk) == data["category"]), None
            )
            return services.move_thread(
                request.user, thread, category=category, reason=data["reason"]
            )
        return services.lock_thread(
            request.user, thread, locked=data["action"] == "lock", reason=data["reason"]
        )

    done = _submit(
        request,
        form,
        act,
        done="Done. The action is in the audit log.",
        then=lambda: redirect("discussions:thread-detail", pk=thread.pk),
    )
    return done or _form_page(
        request,
        "moderation/thread_actions.html",
        {"community": community, "thread": thread, "form": form},
    )


@login_required
def member_restrict(
    request: AuthedRequest, slug: str, membership_id: int
) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    if not policy.can(request.user, Action.MODERATE, community):
        raise Http404("No such member.")
    membership = (
        Membership.objects.select_related("user", "community")
        .filter(pk=membership_id, community=community)
        .first()
    )
    if membership is None:
        raise Http404("No such member.")
    is_trust = request.POST.get("form") == "trust"
    trust_form = forms.TrustForm(
        request.POST if is_trust else None,
        initial={
            "level": "" if membership.trust_level is None else membership.trust_level
        },
    )
    if is_trust and trust_form.is_valid():
        level = trust_form.cleaned_data["level"]
        services.set_trust_level(
            request.user, membership, level=int(level) if level != "" else None
        )
        messages.success(request, "Trust level saved; it is in the log.")
        return redirect(
            "moderation:member-restrict", slug=slug, membership_id=membership.pk
        )
    form = forms.RestrictForm(None if is_trust else (request.POST or None))
    done = _submit(
        request,
        form,
        lambda data: services.restrict_member(
            request.user,
            membership,
            action=data["action"],
            reason=data["reason"],
            days=data["days"],
        ),
        done="Done. The member is told; it is in the log.",
        then=lambda: redirect("moderation:queue", slug=slug),
    )
    return done or _form_page(
        request,
        "moderation/member_restrict.html",
        {
            "community": community,
            "membership": membership,
            "form": form,
            "trust_form": trust_form,
            "earned_level": gates.TRUST_LEVELS[
                gates.trust_level(membership.user, community.pk)
            ],
        },
    )


# --- owners: the audit log, moderators' load, settings -----------------------------


@login_required
def audit_log(request: AuthedRequest, slug: str) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    form = forms.AuditFilterForm(request.GET or None)
    filters = form.filters()
    page = selectors.audit_log(
        request.user,
        community,
        page=parse_page_number(request.GET.get("page")),
        **filters,
    )
    return render(
        request,
        "moderation/audit_log.html",
        {
            "community": community,
            "page": page,
            "form": form,
            "query": _query_without_page(request),
        },
    )


@login_required
def workload(request: AuthedRequest, slug: str) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    load = selectors.workload(request.user, community)
    return render(
        request, "moderation/workload.html", {"community": community, "load": load}
    )


@login_required
def moderation_settings(request: AuthedRequest, slug: str) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    if not policy.can(request.user, Action.MANAGE_MODERATION, community):
        raise PermissionDenied("Only the community's owners can change this.")
    current = services.settings_for(community)
    form = forms.SettingsForm(
        request.POST or None,
        initial={
            "auto_hide_threshold": current.auto_hide_threshold,
            "guidelines": current.guidelines,
            "word_filter": current.word_filter,
        },
    )
    done = _submit(
        request,
        form,
        lambda data: services.update_settings(request.user, community, **data),
        done="Moderation settings saved.",
        then=lambda: redirect("moderation:settings", slug=slug),
    )
    return done or _form_page(
        request, "moderation/settings.html", {"community": community, "form": form}
    )


@login_required
def blackouts(request: AuthedRequest, slug: str) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    if not policy.can(request.user, Action.MANAGE_MODERATION, community):
        raise PermissionDenied("Only the community's owners can schedule blackouts.")
    categories = board.categories_for(request.user, community)
    form = forms.BlackoutForm(
        (request.POST or None) if request.POST.get("action") != "cancel" else None,
        categories=[(str(c.pk), c.name) for c in categories],
    )
    if request.method == "POST" and request.POST.get("action") == "cancel":
        blackout = selectors.blackouts(request.user, community).filter(
            pk=parse_id(request.POST.get("blackout"))
        )
        found = blackout.first()
        if found is None:
            raise Http404("No such blackout.")
        services.cancel_blackout(request.user, found)
        messages.success(request, "Blackout cancelled.")
        return redirect("moderation:blackouts", slug=slug)
    done = _submit(
        request,
        form,
        lambda data: services.schedule_blackout(
            request.user,
            community,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            notice=data["notice"],
            categories=[c for c in categories if str(c.pk) in data["categories"]],
        ),
        done="Blackout scheduled.",
        then=lambda: redirect("moderation:blackouts", slug=slug),
    )
    return done or _form_page(
        request,
        "moderation/blackouts.html",
        {
            "community": community,
            "form": form,
            "blackouts": list(
                selectors.blackouts(request.user, community).prefetch_related(
                    "categories"
                )
            ),
        },
    )


def guidelines(request: HttpRequest, slug: str) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    return render(
        request,
        "moderation/guidelines.html",
        {
            "community": community,
            "guidelines_html": selectors.guidelines(community),
            "can_edit": policy.can(request.user, Action.MANAGE_MODERATION, community),
        },
    )


# --- authors: my hidden content, notices and appeals ---------------------------------


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    cases, notices = selectors.my_moderation(request.user)
    return render(
        request,
        "moderation/mine.html",
        {
            "cases": cases,
            "notices": notices,
            "reports": direct.my_reports(request.user),
        },
    )


@login_required
def appeal_create(
    request: AuthedRequest, content_type: str, object_id: int
) -> HttpResponse:
    kind, item = selectors.flaggable(request.user, content_type, object_id)
    case = Case.objects.filter(content_type=kind.name, object_id=item.pk).first()
    if case is None or not policy.can(request.user, Action.APPEAL, item):
        raise Http404("Nothing to appeal here.")
    if Appeal.objects.filter(case=case).exists():
        messages.info(request, "You have already appealed this decision.")
        return redirect("moderation:mine")
    form = forms.AppealForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda data: services.appeal(request.user, case, text=data["text"]),
        done="Your appeal is sent. Moderators will look again.",
        then=lambda: redirect("moderation:mine"),
    )
    if done is not None:
        return done
    mine_cases, _ = selectors.my_moderation(request.user)
    reason = next((c.reason for c in mine_cases if c.case.pk == case.pk), "")
    return _form_page(
        request,
        "moderation/appeal_form.html",
        {"form": form, "item": kind.context(request.user, item), "reason": reason},
    )
