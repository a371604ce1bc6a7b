"""Search pages: results, recommendations and merging duplicates. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from studyhall import policy
from studyhall.core.forms import AuthedRequest, add_service_errors
from studyhall.core.pagination import Page, parse_page_number
from studyhall.discussions import selectors as discussions
from studyhall.policy import Action
from studyhall.search import recommend, selectors, services
from studyhall.search.forms import MergeForm, SearchForm


def results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None, user=request.user)
    page: Page[selectors.Hit] | None = None
    if form.is_bound and form.is_valid():
        filters = form.filters()
        if not filters.is_empty:
            page = selectors.search(
                request.user, filters, page=parse_page_number(request.GET.get("page"))
            )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "search/results.html",
        {
            "form": form,
            "page": page,
            "query_string": query.urlencode(),
            "max_counted": selectors.MAX_COUNTED,
        },
        status=400 if form.errors else 200,
    )


@login_required
def for_me(request: AuthedRequest) -> HttpResponse:
    found = recommend.recommendations_for(request.user)
    return render(request, "search/for_me.html", {"found": found})


@login_required
def thread_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    thread = discussions.visible_thread(request.user, pk)
    if not policy.can(request.user, Action.MERGE_THREAD, thread):
        raise PermissionDenied("Only moderators can merge threads.")
    form = MergeForm(request.POST or None, initial={"into": request.GET.get("into")})
    if request.method == "POST" and form.is_valid():
        try:
            try:
                into = discussions.visible_thread(
                    request.user, form.cleaned_data["into"]
                )
            except Http404:
                raise ValidationError(
                    {"into": "There is no such thread in this community."}
                ) from None
            services.merge_thread(request.user, thread, into=into)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Merged “{thread.title}” into this thread.")
            return redirect("discussions:thread-detail", pk=into.pk)
    similar = selectors.similar_threads(
        request.user,
        title=thread.title,
        community=thread.community,
        exclude=thread.pk,
        method="lexical",
    )
    return render(
        request,
        "search/thread_merge.html",
        {
            "thread": thread,
            "community": thread.community,
            "form": form,
            "similar": similar,
        },
        status=400 if form.errors else 200,
    )
