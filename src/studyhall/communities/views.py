"""Pages for communities: directory, creation, joining, leaving and members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from studyhall import policy
from studyhall.communities import selectors, services
from studyhall.communities.forms import CommunityForm, CommunitySettingsForm, RoleForm
from studyhall.communities.models import Community, Role
from studyhall.core.errors import DomainError
from studyhall.core.forms import AuthedRequest, add_service_errors
from studyhall.core.pagination import parse_page_number
from studyhall.discussions.selectors import visible_community
from studyhall.policy import Action


def home(request: HttpRequest) -> HttpResponse:
    communities = list(selectors.community_directory(request.user))
    user = request.user
    rows = [
        (c, policy.role_in(user, c), policy.is_pending(user, c)) for c in communities
    ]
    return render(
        request,
        "communities/home.html",
        {"rows": rows, "can_create": policy.can(request.user, Action.CREATE_COMMUNITY)},
    )


@login_required
def community_create(request: AuthedRequest) -> HttpResponse:
    if not policy.can(request.user, Action.CREATE_COMMUNITY):
        raise PermissionDenied("Only site administrators can create communities.")
    form = CommunityForm(request.POST or None, initial={"visibility": "private"})
    if request.method == "POST" and form.is_valid():
        try:
            community = services.create_community(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{community.name} is ready. Invite people to join."
            )
            return redirect("discussions:thread-list", slug=community.slug)
    return render(request, "communities/community_form.html", {"form": form})


def community_about(request: HttpRequest, slug: str) -> HttpResponse:
    community = visible_community(request.user, slug)
    return render(
        request, "communities/community_about.html", _about_context(request, community)
    )


def _about_context(request: HttpRequest, community: Community) -> dict[str, object]:
    user = request.user
    return {
        "community": community,
        "role": policy.role_in(user, community),
        "is_pending": policy.is_pending(user, community),
        "can_join": policy.can(user, Action.JOIN, community),
        "can_leave": policy.can(user, Action.LEAVE, community),
        "can_manage": policy.can(user, Action.MANAGE_MEMBERS, community),
        "can_edit": policy.can(user, Action.EDIT_COMMUNITY, community),
        "has_guidelines": services.has_guidelines(community),
    }


@require_POST
@login_required
def community_join(request: AuthedRequest, slug: str) -> HttpResponse:
    community = visible_community(request.user, slug)
    try:
        membership = services.join_community(
            request.user,
            community,
            accept_guidelines=request.POST.get("accept_guidelines") == "on",
        )
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("communities:community-about", slug=slug)
    if membership.status == membership.Status.PENDING:
        messages.success(
            request, "Your request to join was sent to the community's staff."
        )
        return redirect("communities:community-about", slug=slug)
    messages.success(request, f"Welcome to {community.name}!")
    return redirect("discussions:thread-list", slug=slug)


def community_invite(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    # An invite link reveals the community to whoever holds it, even if private.
    community = Community.objects.filter(slug=slug, invite_token=token).first()
    if community is None:
        raise Http404("This invite link is not valid.")
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            services.join_community(
                request.user,
                community,
                invite_token=token,
                accept_guidelines=request.POST.get("accept_guidelines") == "on",
            )
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect(request.path)
        messages.success(request, f"Welcome to {community.name}!")
        return redirect("discussions:thread-list", slug=slug)
    return render(
        request,
        "communities/community_invite.html",
        {
            "community": community,
            "has_guidelines": services.has_guidelines(community),
        },
    )


@require_POST
@login_required
def invite_link_reset(request: AuthedRequest, slug: str) -> HttpResponse:
    community = visible_community(request.user, slug)
    services.reset_invite_link(request.user, community)
    messages.success(
        request, "The invite link was replaced; the old one no longer works."
    )
    return redirect("communities:community-about", slug=slug)


@require_POST
@login_required
def community_leave(request: AuthedRequest, slug: str) -> HttpResponse:
    community = visible_community(request.user, slug)
    try:
        services.leave_community(request.user, community)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("communities:community-about", slug=slug)
    messages.success(request, f"You left {community.name}.")
    return redirect("communities:home")


def members(request: HttpRequest, slug: str) -> HttpResponse:
    community = visible_community(request.user, slug)
    page = selectors.members_page(
        request.user, community, page=parse_page_number(request.GET.get("page"))
    )
    can_manage = policy.can(request.user, Action.MANAGE_MEMBERS, community)
    return render(
        request,
        "communities/members.html",
        {
            "community": community,
            "page": page,
            "can_manage": can_manage,
            "roles": Role.choices,
        },
    )


@require_POST
@login_required
def member_update(
    request: AuthedRequest, slug: str, membership_id: int
) -> HttpResponse:
    community = visible_community(request.user, slug)
    action = request.POST.get("action", "")
    try:
        if action == "approve":
            services.approve_member(request.user, community, membership_id)
            messages.success(request, "Request approved.")
        elif action == "remove":
            services.remove_member(request.user, community, membership_id)
            messages.success(request, "Member removed.")
        else:
            form = RoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"role": "Choose one of the listed roles."})
            services.change_role(
                request.user, community, membership_id, role=form.cleaned_data["role"]
            )
            messages.success(request, "Role changed.")
    except (DomainError, ValidationError) as error:
        text = (
            error.message
            if isinstance(error, DomainError)
            else " ".join(error.messages)
        )
        messages.error(request, text)
    return redirect("communities:members", slug=slug)


@login_required
def community_settings(request: AuthedRequest, slug: str) -> HttpResponse:
    community = visible_community(request.user, slug)
    if not policy.can(request.user, Action.EDIT_COMMUNITY, community):
        raise PermissionDenied("Only the community's owners can change its settings.")
    initial = {
        f: getattr(community, f)
        for f in (*services.TEXT_SETTINGS, *services.ANALYTICS_SETTINGS)
    }
    form = CommunitySettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_community(request.user, community, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Settings saved.")
            return redirect("communities:community-about", slug=slug)
    return render(
        request,
        "communities/community_form.html",
        {"form": form, "community": community},
    )
