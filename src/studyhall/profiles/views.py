"""Pages for profiles, the network, portfolios, mentorship and opportunities.

Thin: parse the request, call a service or selector, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Role
from studyhall.core.errors import DomainError
from studyhall.core.forms import AuthedRequest, add_service_errors, error_status
from studyhall.core.pagination import parse_page_number
from studyhall.discussions.selectors import visible_community
from studyhall.policy import Action
from studyhall.profiles import selectors, services
from studyhall.profiles.forms import (
    AvatarForm,
    ConnectForm,
    DistinctionClaimForm,
    DistinctionGrantForm,
    MeetingForm,
    MentoringForm,
    MentorshipRequestForm,
    OpportunityForm,
    ProfileForm,
    ShowcaseForm,
)
from studyhall.profiles.images import content_type_of
from studyhall.profiles.models import (
    PROFILE_FIELDS,
    CommunityFollow,
    ConnectionRequest,
    Distinction,
    Opportunity,
    ProfileTag,
    ShowcaseItem,
)
from studyhall.recognition.share import profile_card


def _profile_url(person: User) -> str:
    return reverse("accounts:profile", kwargs={"handle": person.handle})


# --- the profile page ------------------------------------------------------------


@require_GET
def profile(request: HttpRequest, handle: str) -> HttpResponse:
    """Show a person's profile: only the fields the viewer may see, never the email."""
    page = selectors.profile_page(request.user, handle)
    # Instructors of the person's communities may give feedback on the portfolio.
    can_give_feedback = bool(page.showcase) and bool(
        policy.teaching_communities(request.user, page.person.user.pk)
    )
    # Flagging is checked for each item when sent (moderation.services).
    can_flag = request.user.is_authenticated and not page.is_self
    return render(
        request,
        "profiles/profile.html",
        {
            "page": page,
            "card": page.person,
            "can_give_feedback": can_give_feedback,
            "can_flag": can_flag,
            "share": profile_card(page.person.user, page.person.profile),
        },
    )


@require_GET
def profile_by_id(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a stable link (such as an @mention in a post) to the person's profile.

    Mentions are rendered once, when a post is saved; linking them by id keeps
    them working after the person changes their handle. Someone who may not
    see the profile gets the same 404 the profile would give, so the redirect
    never reveals a handle.
    """
    person = User.objects.filter(pk=pk, is_active=True).first()
    if person is None:
        raise Http404("No such person.")
    selectors.visible_person(request.user, person.handle)
    return redirect("accounts:profile", handle=person.handle)


@require_GET
def avatar(request: HttpRequest, handle: str) -> HttpResponseBase:
    """Serve a person's avatar if the viewer may see it."""
    _person, profile = selectors.visible_person(request.user, handle)
    seen_by = policy.profile_audience(request.user, profile)
    if not profile.avatar or "avatar" not in policy.visible_fields(profile, seen_by):
        raise Http404("No photo.")
    response = FileResponse(
        profile.avatar.open("rb"), content_type=content_type_of(profile.avatar.name)
    )
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _profile_initial(user: User) -> dict[str, Any]:
    profile = selectors.profile_for(user)
    initial: dict[str, Any] = {
        name: getattr(profile, name)
        for name in (
            "is_public",
            "pronouns",
            "headline",
            "bio",
            "objectives",
            "time_zone",
            "website",
            "linkedin",
            "github",
            "orcid",
        )
    }
    for name in PROFILE_FIELDS:
        initial[f"{name}_visibility"] = profile.visibility_of(name)
    tags: dict[str, list[str]] = {"interest": [], "skill": [], "language": []}
    for kind, label in ProfileTag.objects.filter(user=user).values_list(
        "kind", "label"
    ):
        tags[kind].append(label)
    initial["interests"] = ", ".join(tags["interest"])
    initial["skills"] = ", ".join(tags["skill"])
    initial["languages"] = ", ".join(tags["language"])
    return initial


def _render_edit(
    request: AuthedRequest,
    form: ProfileForm,
    avatar_form: AvatarForm | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = request.user
    context = {
        "form": form,
        "avatar_form": avatar_form or AvatarForm(),
        "profile": selectors.profile_for(viewer),
        "suggested_interests": selectors.tag_suggestions(viewer, "interest"),
        "suggested_skills": selectors.tag_suggestions(viewer, "skill"),
        "mentoring_form": MentoringForm(
            initial={
                "is_mentor": selectors.profile_for(viewer).is_mentor,
                "areas": selectors.profile_for(viewer).mentor_areas,
                "availability": selectors.profile_for(viewer).mentor_availability,
                "capacity": selectors.profile_for(viewer).mentor_capacity,
            }
        ),
        "can_mentor": policy.can(
            viewer, Action.OFFER_MENTORSHIP, selectors.profile_for(viewer)
        ),
    }
    return render(request, "profiles/profile_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthedRequest) -> HttpResponse:
    """Edit one's own profile; a rejected form keeps everything typed."""
    if request.method == "GET":
        return _render_edit(
            request, ProfileForm(initial=_profile_initial(request.user))
        )
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            services.update_profile(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect(_profile_url(request.user))
    return _render_edit(request, form, status=400)


@login_required
@require_POST
def avatar_update(request: AuthedRequest) -> HttpResponse:
    """Upload a new photo, or remove the current one."""
    if request.POST.get("action") == "remove":
        services.remove_avatar(request.user)
        messages.success(request, "Your photo is removed.")
        return redirect("profiles:profile-edit")
    form = AvatarForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.set_avatar(request.user, form.cleaned_data["avatar"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your photo is saved.")
            return redirect("profiles:profile-edit")
    edit = ProfileForm(initial=_profile_initial(request.user))
    return _render_edit(request, edit, avatar_form=form, status=400)


# --- following, connecting, blocking ---------------------------------------------


def _person(handle: str) -> User:
    return selectors.active_person(handle)


@login_required
@require_POST
def follow(request: AuthedRequest, handle: str) -> HttpResponse:
    person = _person(handle)
    if request.POST.get("action") == "unfollow":
        services.unfollow(request.user, person)
        messages.success(request, f"You no longer follow {person.display_name}.")
    else:
        services.follow(request.user, person)
        messages.success(request, f"You follow {person.display_name}.")
    return redirect(_profile_url(person))


@login_required
@require_http_methods(["GET", "POST"])
def connect(request: AuthedRequest, handle: str) -> HttpResponse:
    """Ask to connect, with an optional note."""
    person, profile = selectors.visible_person(request.user, handle)
    if not policy.can(request.user, Action.CONNECT, profile):
        raise PermissionDenied("You cannot connect with this person.")
    form = ConnectForm(request.POST or None)
    status = 200
    refused: Exception | None = None
    if request.method == "POST" and form.is_valid():
        try:
            services.request_connection(
                request.user, person, note=form.cleaned_data["note"]
            )
        except (ValidationError, DomainError) as error:
            add_service_errors(form, error)
            status, refused = 400, error
        else:
            messages.success(request, f"Request sent to {person.display_name}.")
            return redirect(_profile_url(person))
    elif request.method == "POST":
        status = 400
    response = render(
        request,
        "profiles/connect.html",
        {"person": person, "form": form},
        status=status,
    )
    return error_status(response, refused)


@login_required
@require_POST
def block(request: AuthedRequest, handle: str) -> HttpResponse:
    person = _person(handle)
    if request.POST.get("action") == "unblock":
        services.unblock_person(request.user, person)
        messages.success(request, f"You unblocked {person.display_name}.")
        return redirect("profiles:network")
    try:
        services.block_person(request.user, person)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("profiles:network")
    messages.success(
        request,
        f"You blocked {person.display_name}. They can no longer connect with you "
        "or see your profile unless it is public.",
    )
    return redirect("profiles:network")


@login_required
@require_GET
def network(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "profiles/network.html", {"network": selectors.network(request.user)}
    )


@login_required
@require_POST
def connection_answer(request: AuthedRequest, request_id: int) -> HttpResponse:
    found = ConnectionRequest.objects.filter(pk=request_id).first()
    if found is None:
        raise Http404("No such request.")
    action = request.POST.get("action")
    try:
        if action in ("accept", "decline"):
            services.answer_connection(request.user, found, accept=action == "accept")
        else:
            services.withdraw_connection(request.user, found)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Done.")
    return redirect("profiles:network")


@login_required
@require_GET
def suggestions(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "profiles/suggestions.html",
        {"suggestions": selectors.people_like_you(request.user)},
    )


@login_required
@require_GET
def feed(request: AuthedRequest) -> HttpResponse:
    page = selectors.feed_page(
        request.user, page=parse_page_number(request.GET.get("page"))
    )
    return render(request, "profiles/feed.html", {"page": page})


# --- the directory ------------------------------------------------------------------


@login_required
@require_GET
def directory(request: AuthedRequest, slug: str) -> HttpResponse:
    community = visible_community(request.user, slug)
    get = request.GET
    filters = selectors.DirectoryFilters(
        **{
            name: get.get(name, "")[:100]
            for name in (
                "q",
                "interest",
                "skill",
                "language",
                "role",
                "time_zone",
                "course",
                "sort",
            )
        }
    )
    if filters.sort not in selectors.DIRECTORY_SORTS:
        filters.sort = "name"
    page = selectors.directory(
        request.user, community, filters, page=parse_page_number(get.get("page"))
    )
    courses = [
        c
        for c in policy.visible(
            request.user,
            policy.listed(request.user, type(community).objects.all()),
        ).order_by("name")
        if c.pk != community.pk
    ]
    return render(
        request,
        "profiles/directory.html",
        {
            "community": community,
            "page": page,
            "filters": filters,
            "courses": courses,
            "sorts": list(selectors.DIRECTORY_SORTS),
            "roles": [*Role.choices, *Distinction.Kind.choices],
            "can_grant": policy.can(request.user, Action.GRANT_DISTINCTION, community),
            "is_following": CommunityFollow.objects.filter(
                user=request.user, community=community
            ).exists(),
        },
    )


@login_required
@require_POST
def community_follow(request: AuthedRequest, slug: str) -> HttpResponse:
    community = visible_community(request.user, slug)
    if request.POST.get("action") == "unfollow":
        services.unfollow_community(request.user, community)
        messages.success(request, f"You no longer follow {community.name}.")
    else:
        services.follow_community(request.user, community)
        messages.success(request, f"New threads in {community.name} show in your feed.")
    return redirect("profiles:directory", slug=community.slug)


# --- portfolio ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def showcase_create(request: AuthedRequest) -> HttpResponse:
    form = ShowcaseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_showcase_item(
                request.user,
                title=data["title"],
                kind=data["kind"],
                description=data["description"],
                link=data["link"],
                visibility=data["visibility"],
                upload=data["file"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Added to your portfolio.")
            return redirect(_profile_url(request.user))
    status = 400 if request.method == "POST" else 200
    return render(request, "profiles/showcase_form.html", {"form": form}, status=status)


def _visible_item(request: HttpRequest, item_id: int) -> ShowcaseItem:
    item = (
        ShowcaseItem.objects.select_related("owner__profile").filter(pk=item_id).first()
    )
    if item is None or not policy.can(request.user, Action.VIEW, item):
        raise Http404("No such item.")
    return item


@login_required
@require_POST
def showcase_delete(request: AuthedRequest, item_id: int) -> HttpResponse:
    item = _visible_item(request, item_id)
    services.delete_showcase_item(request.user, item)
    messages.success(request, "Removed from your portfolio.")
    return redirect(_profile_url(request.user))


@require_GET
def showcase_file(request: HttpRequest, item_id: int) -> HttpResponseBase:
    item = _visible_item(request, item_id)
    if not item.file:
        raise Http404("No file.")
    response = FileResponse(
        item.file.open("rb"),
        content_type=content_type_of(item.file.name),
        as_attachment=item.file.name.endswith(".pdf"),
        filename=item.file_name or "file",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- mentorship ------------------------------------------------------------------------


@login_required
@require_GET
def mentoring(request: AuthedRequest) -> HttpResponse:
    services.expire_mentorship_requests()
    return render(
        request,
        "profiles/mentoring.html",
        {
            "mentors": selectors.mentors(request.user),
            "mentorships": selectors.mentorships(request.user),
        },
    )


@login_required
@require_POST
def mentoring_offer(request: AuthedRequest) -> HttpResponse:
    form = MentoringForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_mentoring(
                request.user,
                is_mentor=data["is_mentor"],
                areas=data["areas"],
                availability=data["availability"],
                capacity=data["capacity"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your mentoring settings are saved.")
            return redirect("profiles:profile-edit")
    for problems in form.errors.values():
        for problem in problems:
            messages.error(request, str(problem))
    return redirect("profiles:profile-edit")


@login_required
@require_http_methods(["GET", "POST"])
def mentorship_request(request: AuthedRequest, handle: str) -> HttpResponse:
    person, profile = selectors.visible_person(request.user, handle)
    if not policy.can(request.user, Action.REQUEST_MENTORSHIP, profile):
        raise PermissionDenied(f"{person.display_name} is not taking mentees.")
    form = MentorshipRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.request_mentorship(
                    request.user, person, goal=form.cleaned_data["goal"]
                )
            except (ValidationError, DomainError) as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, f"Your request went to {person.display_name}."
                )
                return redirect("profiles:mentoring")
    return render(
        request,
        "profiles/mentorship_request.html",
        {"person": person, "profile": profile, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mentorship_detail(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    """The private page of a mentorship: its goal and scheduled meetings."""
    services.expire_mentorship_requests()
    mentorship = selectors.mentorship_detail(request.user, mentorship_id)
    form = MeetingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.schedule_meeting(
                    request.user,
                    mentorship,
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"],
                    topic=data["topic"],
                    place=data["place"],
                )
            except (ValidationError, DomainError) as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "The meeting is scheduled.")
                return redirect(
                    "profiles:mentorship-detail", mentorship_id=mentorship.pk
                )
    return render(
        request,
        "profiles/mentorship_detail.html",
        {
            "mentorship": mentorship,
            "meetings": list(mentorship.meetings.all()),
            "form": form,
            "is_mentor": mentorship.mentor_id == request.user.pk,
            "can_answer": policy.can(request.user, Action.ANSWER_REQUEST, mentorship),
            "can_schedule": policy.can(
                request.user, Action.SCHEDULE_MEETING, mentorship
            ),
            "can_message": policy.can(request.user, Action.SEND_MESSAGE, mentorship),
            "conversation": selectors.mentorship_messages(request.user, mentorship),
        },
        status=status,
    )


def _error_text(error: Exception) -> str:
    if isinstance(error, DomainError):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@login_required
@require_POST
def mentorship_message(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    """Open the mentor and mentee's direct conversation and go to it."""
    mentorship = selectors.mentorship_detail(request.user, mentorship_id)
    try:
        room = services.open_mentorship_conversation(request.user, mentorship)
    except (DomainError, PermissionDenied, ValidationError) as error:
        messages.error(request, _error_text(error))
        return redirect("profiles:mentorship-detail", mentorship_id=mentorship.pk)
    return redirect("chat:room-detail", pk=room.pk)


@login_required
@require_POST
def mentorship_answer(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    mentorship = selectors.mentorship_detail(request.user, mentorship_id)
    action = request.POST.get("action")
    try:
        if action in ("accept", "decline"):
            services.answer_mentorship(
                request.user, mentorship, accept=action == "accept"
            )
        else:
            services.withdraw_mentorship(request.user, mentorship)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Done.")
    return redirect("profiles:mentorship-detail", mentorship_id=mentorship.pk)


# --- alumni, experts and partners ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def distinctions(request: AuthedRequest, slug: str) -> HttpResponse:
    """Claim to be an alum, expert or partner here; owners mark members and verify
    claims."""
    community = visible_community(request.user, slug)
    sent = request.POST.get("form") if request.method == "POST" else None
    # Prefixed, so the two forms' fields keep apart ids on one page.
    claim = DistinctionClaimForm(
        request.POST if sent == "claim" else None, prefix="claim"
    )
    grant = DistinctionGrantForm(
        request.POST if sent == "grant" else None, prefix="grant"
    )
    status = 200
    if sent in ("claim", "grant"):
        status = 400
        form = claim if sent == "claim" else grant
        if form.is_valid():
            try:
                found = _save_distinction(
                    request.user, community, sent, form.cleaned_data
                )
            except (ValidationError, DomainError) as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{found.user.display_name} is now shown as {found.kind_phrase}."
                    if found.is_verified
                    else "Your claim went to the community's owners.",
                )
                return redirect("profiles:distinctions", slug=community.slug)
    return render(
        request,
        "profiles/distinctions.html",
        {
            "community": community,
            "page": selectors.distinctions_page(request.user, community),
            "claim_form": claim,
            "grant_form": grant,
        },
        status=status,
    )


def _save_distinction(
    user: User, community: Any, sent: str, data: dict[str, Any]
) -> Distinction:
    if sent == "claim":
        return services.claim_distinction(
            user, community, kind=data["kind"], note=data["note"]
        )
    person = User.objects.filter(
        handle__iexact=data["handle"].strip().lstrip("@"), is_active=True
    ).first()
    if person is None:
        raise ValidationError({"handle": "No member has that handle."})
    return services.grant_distinction(
        user, community, person, kind=data["kind"], note=data["note"]
    )


@login_required
@require_POST
def distinction_decide(request: AuthedRequest, distinction_id: int) -> HttpResponse:
    """Verify, reject or remove one alum, expert or partner distinction."""
    found = selectors.visible_distinction(request.user, distinction_id)
    action = request.POST.get("action")
    try:
        if action in ("verify", "reject"):
            services.decide_distinction(request.user, found, verify=action == "verify")
        else:
            services.remove_distinction(request.user, found)
    except (DomainError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "Done.")
    return redirect("profiles:distinctions", slug=found.community.slug)


# --- opportunities ---------------------------------------------------------------------


@require_GET
def opportunity_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = visible_community(request.user, slug)
    filters = selectors.OpportunityFilters(
        kind=request.GET.get("kind", "")[:20],
        tag=request.GET.get("tag", "")[:40],
        bookmarked=request.GET.get("bookmarked") == "1",
    )
    page = selectors.opportunities(
        request.user,
        community,
        filters,
        page=parse_page_number(request.GET.get("page")),
    )
    return render(
        request,
        "profiles/opportunity_list.html",
        {
            "community": community,
            "page": page,
            "filters": filters,
            "kinds": Opportunity.Kind.choices,
            "can_post": policy.can(request.user, Action.POST_OPPORTUNITY, community),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create(request: AuthedRequest, slug: str) -> HttpResponse:
    community = visible_community(request.user, slug)
    if not policy.can(request.user, Action.POST_OPPORTUNITY, community):
        raise PermissionDenied(
            "Only alumni, experts, partners, mentors and instructors can post "
            "opportunities here."
        )
    form = OpportunityForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                found = services.post_opportunity(
                    request.user, community, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "The opportunity is posted.")
                return redirect("profiles:opportunity-detail", opportunity_id=found.pk)
    return render(
        request,
        "profiles/opportunity_form.html",
        {"community": community, "form": form},
        status=status,
    )


@require_GET
def opportunity_detail(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = selectors.visible_opportunity(request.user, opportunity_id)
    viewer_id = policy.snapshot(request.user).user_id
    return render(
        request,
        "profiles/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "community": opportunity.community,
            "is_bookmarked": opportunity.bookmarks.filter(user_id=viewer_id).exists()
            if viewer_id
            else False,
            "can_bookmark": policy.can(request.user, Action.BOOKMARK, opportunity),
            "can_delete": policy.can(request.user, Action.DELETE, opportunity),
        },
    )


@login_required
@require_POST
def opportunity_bookmark(request: AuthedRequest, opportunity_id: int) -> HttpResponse:
    opportunity = selectors.visible_opportunity(request.user, opportunity_id)
    kept = services.toggle_bookmark(request.user, opportunity)
    messages.success(request, "Bookmarked." if kept else "Bookmark removed.")
    return redirect("profiles:opportunity-detail", opportunity_id=opportunity.pk)


@login_required
@require_POST
def opportunity_delete(request: AuthedRequest, opportunity_id: int) -> HttpResponse:
    opportunity = selectors.visible_opportunity(request.user, opportunity_id)
    services.delete_opportunity(request.user, opportunity)
    messages.success(request, "The opportunity is removed.")
    return redirect("profiles:opportunity-list", slug=opportunity.community.slug)
