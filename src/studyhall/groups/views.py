"""Pages for study groups. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.chat import selectors as chat_selectors
from studyhall.core.errors import DomainError
from studyhall.core.forms import AuthedRequest, add_service_errors
from studyhall.core.text import parse_id
from studyhall.discussions.selectors import visible_community
from studyhall.groups import forms, ical, selectors, services
from studyhall.groups.models import CalendarFeed, GroupMembership, StudyGroup
from studyhall.policy import Action


def _fields(data: dict[str, Any]) -> services.GroupFields:
    return services.GroupFields(
        name=data["name"],
        goal=data.get("goal", ""),
        course=data.get("course", ""),
        subject=data.get("subject", ""),
        exam_date=data.get("exam_date"),
        capacity=data["capacity"],
        visibility=data["visibility"],
        language=data.get("language", ""),
        time_zone=data["time_zone"],
        availability=",".join(data.get("availability") or []),
    )


def group_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = visible_community(request.user, slug)
    form = forms.FindForm(request.GET or None)
    filters = selectors.GroupFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.GroupFilters(
            course=data["course"].strip(),
            subject=data["subject"].strip(),
            language=data["language"].strip(),
            availability=data["availability"],
            time_zone=data["time_zone"],
            open_seats=data["open_seats"],
        )
    groups = selectors.groups_of(request.user, community, filters)
    return render(
        request,
        "groups/group_list.html",
        {
            "community": community,
            "form": form,
            "groups": groups,
            "suggested": selectors.suggested_groups(request.user, community),
            "can_create": policy.can(request.user, Action.CREATE_GROUP, community),
        },
    )


@login_required
def group_create(request: AuthedRequest, slug: str) -> HttpResponse:
    community = visible_community(request.user, slug)
    if not policy.can(request.user, Action.CREATE_GROUP, community):
        raise PermissionDenied("Join this community to start a study group.")
    prefs = selectors.preferences_for(request.user)
    form = forms.GroupForm(request.POST or None, initial={"time_zone": prefs.time_zone})
    if request.method == "POST" and form.is_valid():
        handles = [
            h.strip().lstrip("@")
            for h in form.cleaned_data["organizers"].split(",")
            if h.strip()
        ]
        organizers = list(User.objects.filter(handle__in=handles))
        try:
            if len(organizers) != len(set(handles)):
                raise ValidationError({"organizers": "Some handles are unknown."})
            group = services.create_group(
                request.user,
                community,
                _fields(form.cleaned_data),
                organizers=organizers,
            )
        except (ValidationError, DomainError) as error:
            add_service_errors(form, error)
        else:
            return redirect("groups:group-detail", pk=group.pk)
    return render(
        request, "groups/group_form.html", {"community": community, "form": form}
    )


def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.visible_group(request.user, pk)
    page = selectors.group_page(request.user, group)
    user = request.user
    members = [(m.user_id, m.user.display_name) for m in page.members]
    return render(
        request,
        "groups/group_detail.html",
        {
            "community": group.community,
            "group": group,
            "page": page,
            "room": chat_selectors.group_room(user, group)
            if page.can_see_space
            else None,
            "status": policy.group_status(user, group),
            "can_join": policy.can(user, Action.JOIN, group),
            "can_leave": policy.can(user, Action.LEAVE, group),
            "can_manage": policy.can(user, Action.MANAGE_GROUP, group),
            "can_flag": policy.can(user, Action.FLAG, group),
            "can_contribute": policy.can(user, Action.CONTRIBUTE, group),
            "can_host": policy.can(user, Action.HOST_LIVE, group),
            # Distinct ids: several forms share field names on this page.
            "resource_form": forms.ResourceForm(auto_id="resource_%s"),
            "task_form": forms.TaskForm(members=members, auto_id="task_%s"),
            "invite_form": forms.InviteForm(auto_id="invite_%s"),
        },
    )


@login_required
def group_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    group = selectors.visible_group(request.user, pk)
    if not policy.can(request.user, Action.MANAGE_GROUP, group):
        raise PermissionDenied("Only the group's organizers can change it.")
    initial = {
        f: getattr(group, f)
        for f in [
            "name",
            "goal",
            "course",
            "subject",
            "exam_date",
            "capacity",
            "visibility",
            "language",
            "time_zone",
        ]
    }
    initial["availability"] = group.availability_list
    form = forms.GroupForm(request.POST or None, initial=initial)
    del form.fields["organizers"]
    if request.method == "POST" and form.is_valid():
        try:
            services.update_group(request.user, group, _fields(form.cleaned_data))
        except (ValidationError, DomainError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Group saved.")
            return redirect("groups:group-detail", pk=group.pk)
    return render(
        request,
        "groups/group_form.html",
        {"community": group.community, "form": form, "group": group},
    )


def _back(group: StudyGroup) -> HttpResponse:
    return redirect("groups:group-detail", pk=group.pk)


@require_POST
@login_required
def group_join(request: AuthedRequest, pk: int) -> HttpResponse:
    group = selectors.visible_group(request.user, pk)
    try:
        membership = services.join_group(request.user, group)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if membership.status == GroupMembership.Status.ACTIVE:
            messages.success(request, f"You joined {group.name}.")
        else:
            messages.success(request, "Request sent; an organizer will answer.")
    return _back(group)


@require_POST
@login_required
def group_leave(request: AuthedRequest, pk: int) -> HttpResponse:
    group = selectors.visible_group(request.user, pk)
    member = None
    member_id = parse_id(request.POST.get("member"))
    if member_id and member_id != request.user.pk:
        member = User.objects.filter(pk=member_id).first()
        if member is None:
            raise Http404
    try:
        services.leave_group(request.user, group, member=member)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(group)
    if member is None:
        messages.success(request, f"You left {group.name}.")
        if group.visibility == StudyGroup.Visibility.HIDDEN:
            return redirect("groups:group-list", slug=group.community.slug)
    else:
        messages.success(request, f"{member.display_name} is no longer in the group.")
    return _back(group)


@require_POST
@login_required
def group_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    group = selectors.visible_group(request.user, pk)
    membership = GroupMembership.objects.filter(
        group=group, pk=parse_id(request.POST.get("membership")) or 0
    ).first()
    if membership is None:
        raise Http404
    try:
        services.approve_request(request.user, membership)
    except DomainError as error:
        messages.error(request, error.message)
    return _back(group)


@require_POST
@login_required
def group_role(request: AuthedRequest, pk: int) -> HttpResponse:
    group = selectors.visible_group(request.user, pk)
    member = User.objects.filter(pk=parse_id(request.POST.get("member")) or 0).first()
    if member is None:
        raise Http404
    try:
        services.set_role(
            request.user, group, member, role=request.POST.get("role", "")
        )
    except (ValidationError, DomainError) as error:
        text = error.message if isinstance(error, DomainError) else error.messages[0]
        messages.error(request, text)
    else:
        messages.success(request, f"Saved the role of {member.display_name}.")
    return _back(group)


@require_POST
@login_required
def group_invite(request: AuthedRequest, pk: int) -> HttpResponse:
    group = selectors.visible_group(request.user, pk)
    form = forms.InviteForm(request.POST)
    invitee = None
    if form.is_valid():
        invitee = User.objects.filter(
            handle__iexact=form.cleaned_data["handle"].lstrip("@")
        ).first()
    try:
        if invitee is None:
            raise ValidationError("No member has that handle.")
        services.invite_to_group(request.user, group, invitee)
    except (ValidationError, DomainError) as error:
        text = error.message if isinstance(error, DomainError) else error.messages[0]
        messages.error(request, text)
    else:
        messages.success(request, f"Invited {invitee.display_name}.")
    return _back(group)


@require_POST
@login_required
def resource_add(request: AuthedRequest, pk: int) -> HttpResponse:
    group = selectors.group_space(request.user, pk)
    form = forms.ResourceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_resource(
                request.user,
                group,
                title=form.cleaned_data["title"],
                url=form.cleaned_data["url"],
                upload=form.cleaned_data["file"],
            )
        except (ValidationError, DomainError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Resource shared.")
            return _back(group)
    return render(
        request,
        "groups/resource_form.html",
        {"community": group.community, "group": group, "form": form},
        status=400,
    )


def resource_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    resource = selectors.visible_resource(request.user, pk)
    if not resource.file:
        raise Http404
    response = FileResponse(
        resource.file.open("rb"),
        as_attachment=True,
        filename=resource.file_name or "file",
        content_type=services.content_type_for(resource.file_name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
@login_required
def resource_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    resource = selectors.visible_resource(request.user, pk)
    services.delete_resource(request.user, resource)
    return _back(resource.group)


def _members(group: StudyGroup) -> list[tuple[int, str]]:
    return [
        (m.user_id, m.user.display_name)
        for m in group.memberships.filter(status="active").select_related("user")
    ]


@require_POST
@login_required
def task_add(request: AuthedRequest, pk: int) -> HttpResponse:
    group = selectors.group_space(request.user, pk)
    form = forms.TaskForm(request.POST, members=_members(group))
    if form.is_valid():
        try:
            services.create_task(
                request.user,
                group,
                title=form.cleaned_data["title"],
                assignee_id=form.cleaned_data["assignee"],
                due_date=form.cleaned_data["due_date"],
            )
        except (ValidationError, DomainError) as error:
            add_service_errors(form, error)
        else:
            return redirect(f"/g/{group.pk}/#board")
    return render(
        request,
        "groups/task_form.html",
        {"community": group.community, "group": group, "form": form},
        status=400,
    )


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.visible_task(request.user, pk)
    group = task.group
    members = _members(group)
    form = forms.TaskUpdateForm(
        request.POST or None,
        members=members,
        initial={
            "status": task.status,
            "assignee": task.assignee_id,
            "due_date": task.due_date,
        },
    )
    comment_form = forms.CommentForm()
    if request.method == "POST" and request.user.is_authenticated:
        if "body" in request.POST:
            comment_form = forms.CommentForm(request.POST)
            form = forms.TaskUpdateForm(members=members, initial=form.initial)
            if comment_form.is_valid():
                try:
                    services.comment_on_task(
                        request.user, task, body=comment_form.cleaned_data["body"]
                    )
                except ValidationError as error:
                    add_service_errors(comment_form, error)
                else:
                    return redirect("groups:task-detail", pk=task.pk)
        elif form.is_valid():
            try:
                services.update_task(
                    request.user,
                    task,
                    status=form.cleaned_data["status"],
                    assignee_id=form.cleaned_data["assignee"],
                    due_date=form.cleaned_data["due_date"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Task saved.")
                return redirect("groups:task-detail", pk=task.pk)
    elif request.method == "POST":
        raise PermissionDenied("Log in to change tasks.")
    return render(
        request,
        "groups/task_detail.html",
        {
            "community": group.community,
            "group": group,
            "task": task,
            "comments": task.comments.select_related("author"),
            "form": form,
            "comment_form": comment_form,
        },
    )


@login_required
def session_create(request: AuthedRequest, pk: int) -> HttpResponse:
    group = selectors.group_space(request.user, pk)
    form = forms.SessionForm(
        request.POST or None, initial={"time_zone": group.time_zone}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.schedule_session(
                request.user,
                group,
                title=data["title"],
                local_start=services.parse_local_start(data["date"], data["time"]),
                time_zone=data["time_zone"],
                duration_minutes=data["duration_minutes"],
                rrule=services.weekly_rule(data["weeks"]),
                meeting_link=data["meeting_link"],
            )
        except (ValidationError, DomainError) as error:
            if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
                if "starts_at" in error.error_dict:
                    error.error_dict["date"] = error.error_dict.pop("starts_at")
                if "rrule" in error.error_dict:
                    error.error_dict["weeks"] = error.error_dict.pop("rrule")
            add_service_errors(form, error)
        else:
            return redirect("groups:session-detail", pk=session.pk)
    return render(
        request,
        "groups/session_form.html",
        {"community": group.community, "group": group, "form": form},
    )


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.visible_session(request.user, pk)
    group = session.group
    zone = selectors.viewer_zone(request.user)
    (view,) = selectors.session_views(
        request.user, group.sessions.filter(pk=session.pk), zone
    )
    return render(
        request,
        "groups/session_detail.html",
        {
            "community": group.community,
            "group": group,
            "view": view,
            "session": view.session,
            "zone": zone,
            "rsvp_form": forms.RSVPForm(initial={"answer": view.my_answer}),
            "notes_form": forms.NotesForm(initial={"notes": session.notes}),
            "can_contribute": policy.can(request.user, Action.CONTRIBUTE, group),
            "rsvps": session.rsvps.select_related("user").order_by("answer", "pk"),
        },
    )


@require_POST
@login_required
def session_rsvp(request: AuthedRequest, pk: int) -> HttpResponse:
    session = selectors.visible_session(request.user, pk)
    try:
        services.rsvp(request.user, session, answer=request.POST.get("answer", ""))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Answer saved.")
    return redirect("groups:session-detail", pk=session.pk)


@require_POST
@login_required
def session_notes(request: AuthedRequest, pk: int) -> HttpResponse:
    session = selectors.visible_session(request.user, pk)
    try:
        services.save_session_notes(
            request.user, session, notes=request.POST.get("notes", "")
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Notes saved.")
    return redirect("groups:session-detail", pk=session.pk)


@login_required
def my_groups(request: AuthedRequest) -> HttpResponse:
    prefs = selectors.preferences_for(request.user)
    form = forms.PreferencesForm(
        request.POST or None,
        initial={
            "time_zone": prefs.time_zone,
            "languages": prefs.languages,
            "availability": prefs.availability.split(","),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_preferences(
                request.user,
                time_zone=form.cleaned_data["time_zone"],
                languages=form.cleaned_data["languages"],
                availability=form.cleaned_data["availability"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Preferences saved.")
            return redirect("groups:my-groups")
    zone = selectors.viewer_zone(request.user, prefs)
    return render(
        request,
        "groups/my_groups.html",
        {
            "memberships": selectors.my_memberships(request.user),
            "sessions": selectors.session_views(
                request.user, selectors.sessions_for(request.user), zone
            ),
            "zone": zone,
            "form": form,
            "feeds": selectors.feeds_of(request.user),
        },
    )


@require_POST
@login_required
def feed_create(request: AuthedRequest) -> HttpResponse:
    group = None
    if request.POST.get("group"):
        group = selectors.group_space(request.user, request.POST.get("group"))
    services.create_feed(request.user, group)
    messages.success(request, "Calendar address made; copy it into your calendar.")
    return redirect("groups:my-groups")


@require_POST
@login_required
def feed_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    feed = CalendarFeed.objects.filter(pk=pk, user=request.user).first()
    if feed is None:
        raise Http404
    services.revoke_feed(request.user, feed)
    messages.success(request, "That calendar address no longer works.")
    return redirect("groups:my-groups")


def feed(request: HttpRequest, token: str) -> HttpResponse:
    found = selectors.feed_by_token(token)
    name = f"{found.group.name} sessions" if found.group else "My study sessions"
    body = ical.calendar_for(selectors.feed_sessions(found), name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="sessions.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
