"""Pages for the resource library. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from studyhall import policy
from studyhall.communities.models import Community
from studyhall.core.errors import DomainError
from studyhall.core.forms import AuthedRequest, add_service_errors
from studyhall.discussions.selectors import visible_community
from studyhall.groups import selectors as group_selectors
from studyhall.groups.models import StudyGroup
from studyhall.groups.services import content_type_for
from studyhall.library import bibtex, forms, selectors, services
from studyhall.policy import Action


def _target(
    request: HttpRequest, slug: str | None, pk: int | None
) -> tuple[Community, StudyGroup | None]:
    if pk is not None:
        group = group_selectors.group_space(request.user, pk)
        return group.community, group
    return visible_community(request.user, slug or ""), None


def _shelf_url(community: Community, group: StudyGroup | None) -> str:
    if group is not None:
        return f"/g/{group.pk}/library/"
    return f"/c/{community.slug}/library/"


def item_list(
    request: HttpRequest, slug: str | None = None, pk: int | None = None
) -> HttpResponse:
    community, group = _target(request, slug, pk)
    sort = request.GET.get("sort", "recommended")
    if sort not in selectors.SORTS:
        sort = "recommended"
    tag = request.GET.get("tag", "")[:40]
    course = request.GET.get("course", "")[:80]
    items = selectors.shelf(
        request.user, community, group=group, sort=sort, tag=tag, course=course
    )
    target = group if group is not None else community
    return render(
        request,
        "library/item_list.html",
        {
            "community": community,
            "group": group,
            "items": items[:200],
            "sort": sort,
            "sorts": list(selectors.SORTS),
            "tag": tag,
            "course": course,
            "can_add": policy.can(request.user, Action.ADD_LIBRARY_ITEM, target),
            "shelf_url": _shelf_url(community, group),
        },
    )


@login_required
def item_create(
    request: AuthedRequest, slug: str | None = None, pk: int | None = None
) -> HttpResponse:
    community, group = _target(request, slug, pk)
    target = group if group is not None else community
    if not policy.can(request.user, Action.ADD_LIBRARY_ITEM, target):
        raise PermissionDenied("Only members can add to this library.")
    form = forms.ItemForm(request.POST or None, request.FILES or None)
    bib_form = forms.BibtexForm(prefix="bib")
    doi_form = forms.DoiForm(prefix="doi")
    which = request.POST.get("which", "item")
    if request.method == "POST":
        try:
            if which == "bibtex":
                form = forms.ItemForm()
                bib_form = forms.BibtexForm(request.POST, prefix="bib")
                if bib_form.is_valid():
                    made = services.import_bibtex(
                        request.user,
                        community,
                        bib_form.cleaned_data["bibtex"],
                        group=group,
                        course=bib_form.cleaned_data["course"],
                    )
                    messages.success(request, f"Imported {len(made)} item(s).")
                    return redirect(_shelf_url(community, group))
            elif which == "doi":
                form = forms.ItemForm()
                doi_form = forms.DoiForm(request.POST, prefix="doi")
                if doi_form.is_valid():
                    item = services.import_doi(
                        request.user,
                        community,
                        doi_form.cleaned_data["doi"],
                        title=doi_form.cleaned_data["title"],
                        group=group,
                    )
                    return redirect("library:item-detail", pk=item.pk)
            elif form.is_valid():
                data = form.cleaned_data
                item = services.add_item(
                    request.user,
                    community,
                    services.ItemFields(
                        title=data["title"],
                        authors=data["authors"],
                        year=data["year"],
                        url=data["url"],
                        doi=data["doi"],
                        kind=data["kind"],
                        tags=data["tags"].split(","),
                        course=data["course"],
                        summary=data["summary"],
                    ),
                    group=group,
                    upload=data["file"],
                )
                return redirect("library:item-detail", pk=item.pk)
        except ValidationError as error:
            chosen = {"bibtex": bib_form, "doi": doi_form}.get(which, form)
            add_service_errors(chosen, error)
    return render(
        request,
        "library/item_form.html",
        {
            "community": community,
            "group": group,
            "form": form,
            "bib_form": bib_form,
            "doi_form": doi_form,
        },
    )


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.visible_item(request.user, pk)
    comment_form = forms.CommentForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise PermissionDenied("Log in to comment.")
        if comment_form.is_valid():
            try:
                services.comment_on_item(
                    request.user,
                    item,
                    body=comment_form.cleaned_data["body"],  # type: ignore[arg-type]
                )
            except ValidationError as error:
                add_service_errors(comment_form, error)
            else:
                return redirect("library:item-detail", pk=item.pk)
    return render(
        request,
        "library/item_detail.html",
        {
            "community": item.community,
            "item": item,
            "comments": selectors.item_comments(item),
            "recommendations": item.recommendations.all(),
            "comment_form": comment_form,
            "recommend_form": forms.RecommendForm(initial={"course": item.course}),
            "can_take_part": policy.can(request.user, Action.TAKE_PART, item),
            "can_recommend": policy.can(request.user, Action.RECOMMEND, item),
            "can_delete": policy.can(request.user, Action.DELETE, item),
        },
    )


@require_POST
@login_required
def item_useful(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.visible_item(request.user, pk)
    services.toggle_useful(request.user, item)
    return redirect(request.POST.get("next") or f"/library/{item.pk}/")


@require_POST
@login_required
def item_save(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.visible_item(request.user, pk)
    saved = services.toggle_reading_list(request.user, item)
    messages.success(
        request, "Saved to your reading list." if saved else "Taken off your list."
    )
    return redirect("library:item-detail", pk=item.pk)


@require_POST
@login_required
def item_recommend(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.visible_item(request.user, pk)
    course = request.POST.get("course", "")
    try:
        if request.POST.get("undo"):
            services.unrecommend(request.user, item, course=course)
        else:
            services.recommend(request.user, item, course=course)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("library:item-detail", pk=item.pk)


@require_POST
@login_required
def item_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.visible_item(request.user, pk)
    services.delete_item(request.user, item)
    messages.success(request, "Removed from the library.")
    return redirect(_shelf_url(item.community, item.group))


def item_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    item = selectors.visible_item(request.user, pk)
    if not item.file:
        raise Http404
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.file_name or "file",
        content_type=content_type_for(item.file_name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def export(
    request: HttpRequest, slug: str | None = None, pk: int | None = None
) -> HttpResponse:
    community, group = _target(request, slug, pk)
    rows = selectors.export_rows(selectors.shelf(request.user, community, group=group))
    response = HttpResponse(
        bibtex.to_bibtex(rows), content_type="text/plain; charset=utf-8"
    )
    name = f"{community.slug}-library.bib" if group is None else f"group-{group.pk}.bib"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def reading_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "library/reading_list.html",
        {"items": selectors.reading_list(request.user)},
    )
