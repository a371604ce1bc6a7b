"""Pages for the discussion boards. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from studyhall import policy
from studyhall.core.errors import RateLimited
from studyhall.core.forms import AuthedRequest, add_service_errors
from studyhall.core.pagination import parse_page_number
from studyhall.core.text import parse_id
from studyhall.discussions import fragments, selectors, services
from studyhall.discussions.forms import CategoryForm, EditForm, ReplyForm, ThreadForm
from studyhall.discussions.models import Category, Post, Thread
from studyhall.policy import Action


def _post_url(post: Post) -> str:
    return (
        reverse("discussions:thread-detail", kwargs={"pk": post.thread_id})
        + f"?page={selectors.page_of_post(post.number)}#post-{post.number}"
    )


# --- lists -------------------------------------------------------------------


def thread_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = selectors.visible_community(request.user, slug)
    filter_ = request.GET.get("filter", "all")
    sort = request.GET.get("sort", "active")
    if filter_ not in selectors.THREAD_FILTERS:
        filter_ = "all"
    if sort not in selectors.THREAD_SORTS:
        sort = "active"
    categories = selectors.categories_for(request.user, community)
    category = next(
        (c for c in categories if c.slug == request.GET.get("category")), None
    )
    page = selectors.thread_list(
        request.user,
        community,
        filter=filter_,
        sort=sort,
        category=category,
        page=parse_page_number(request.GET.get("page")),
    )
    return render(
        request,
        "discussions/thread_list.html",
        {
            "community": community,
            "page": page,
            "filter": filter_,
            "sort": sort,
            "filters": selectors.THREAD_FILTERS,
            "sorts": selectors.THREAD_SORTS,
            "categories": categories,
            "category": category,
            "can_start": policy.can(request.user, Action.START_THREAD, community),
            "role": policy.role_in(request.user, community),
        },
    )


# --- composing ---------------------------------------------------------------


@login_required
def thread_create(request: AuthedRequest, slug: str) -> HttpResponse:
    community = selectors.visible_community(request.user, slug)
    if not policy.can(request.user, Action.START_THREAD, community):
        raise PermissionDenied("Join this community to start a thread.")
    categories = selectors.categories_for(request.user, community)
    retry_after: int | None = None
    kinds = [(k, label) for k, label in Thread.Kind.choices]
    if not policy.can(request.user, Action.START_ANNOUNCEMENT, community):
        kinds = [k for k in kinds if k[0] != Thread.Kind.ANNOUNCEMENT]
    category_slug = request.GET.get("category") or request.POST.get("category_slug")
    chosen = next((c for c in categories if c.slug == category_slug), None)
    can_anonymous = any(
        policy.can(request.user, Action.POST_ANONYMOUSLY, c) for c in categories
    ) or policy.can(request.user, Action.POST_ANONYMOUSLY, community)
    draft_key = f"thread:{community.pk}"
    draft = selectors.draft_for(request.user, draft_key)
    initial: dict[str, object] = {"category": chosen}
    if draft is not None:
        initial.update(title=draft.title, body=draft.body)
    form = ThreadForm(
        request.POST or None,
        initial=initial,
        categories=categories,
        kinds=kinds,
        can_anonymous=can_anonymous,
        can_pin=policy.can(
            request.user, Action.PIN_THREAD, Thread(community=community)
        ),
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                thread = services.create_thread(
                    request.user,
                    community,
                    title=data["title"],
                    body=data["body"],
                    kind=data["kind"],
                    category=data["category"],
                    is_anonymous=data.get("is_anonymous", False),
                    is_pinned=data.get("is_pinned", False),
                )
            except (ValidationError, RateLimited) as error:
                add_service_errors(form, error)
                retry_after = getattr(error, "retry_after", None)
            else:
                return redirect("discussions:thread-detail", pk=thread.pk)
        services.save_draft(
            request.user,
            key=draft_key,
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
        )
    anonymous_categories = [
        c.pk for c in categories if policy.can(request.user, Action.POST_ANONYMOUSLY, c)
    ]
    response = render(
        request,
        "discussions/thread_form.html",
        {
            "community": community,
            "form": form,
            "draft_key": draft_key,
            "anonymity_notice": policy.anonymity_notice(
                request.user, community, chosen
            ),
            "anonymous_categories": anonymous_categories,
        },
        status=_error_status(form.errors, retry_after),
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _error_status(errors: object, retry_after: int | None) -> int:
    if retry_after:
        return 429
    return 400 if errors else 200


# --- a thread ----------------------------------------------------------------


def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    thread = selectors.visible_thread(request.user, pk)
    page_number = parse_page_number(request.GET.get("page"))
    view = selectors.thread_page(request.user, thread, page=page_number)
    reply_form = None
    if view.can_reply:
        reply_form = _reply_form(request, view)
    if view.posts.items and request.user.is_authenticated:
        services.mark_read(
            request.user,
            thread,
            number=view.posts.items[-1].post.number,
            known=view.read_number,
        )
    return render(
        request,
        "discussions/thread_detail.html",
        {
            "thread": thread,
            "community": thread.community,
            "view": view,
            "page": view.posts,
            "posts_html": fragments.render_posts(
                request,
                view.posts.items,
                thread,
                page_number=view.posts.number,
                can_reply=view.can_reply,
            ),
            "reply_form": reply_form,
            "anonymity_notice": policy.anonymity_notice(
                request.user, thread.community, thread.category
            ),
        },
    )


def _reply_form(
    request: HttpRequest, view: selectors.ThreadPage, data: dict | None = None
) -> ReplyForm:
    initial: dict[str, object] = {}
    if view.draft is not None:
        initial["body"] = view.draft.body
    quote_id = parse_id(request.GET.get("quote"))
    reply_to_id = parse_id(request.GET.get("reply_to")) or quote_id
    if reply_to_id:
        target = Post.objects.filter(
            pk=reply_to_id, thread=view.thread, is_deleted=False
        ).first()
        if target is not None:
            initial["reply_to"] = target.pk
            if quote_id:
                quoted = "\n".join(f"> {line}" for line in target.body.splitlines())
                who = policy.author_for(request.user, target).name
                where = (
                    "the opening post"
                    if target.is_opening
                    else f"reply #{target.number - 1}"
                )
                initial["body"] = f"{who} wrote in {where}:\n{quoted}\n\n"
    return ReplyForm(data, initial=initial, can_anonymous=view.can_post_anonymously)


@login_required
def reply_create(request: AuthedRequest, pk: int) -> HttpResponse:
    thread = selectors.visible_thread(request.user, pk)
    if request.method != "POST":
        return redirect(
            reverse("discussions:thread-detail", kwargs={"pk": pk}) + "#composer"
        )
    if not policy.can(request.user, Action.REPLY, thread):
        raise PermissionDenied("Join this community to reply.")
    form = ReplyForm(
        request.POST,
        can_anonymous=policy.can(request.user, Action.POST_ANONYMOUSLY, thread),
    )
    retry_after: int | None = None
    if form.is_valid():
        data = form.cleaned_data
        reply_to = None
        if data.get("reply_to"):
            # The service refuses a post of another thread with a clear message.
            reply_to = Post.objects.filter(pk=data["reply_to"]).first()
        try:
            if data.get("reply_to") and reply_to is None:
                raise ValidationError(
                    {"reply_to": "The post you are replying to no longer exists."}
                )
            post = services.create_reply(
                request.user,
                thread,
                body=data["body"],
                reply_to=reply_to,
                is_anonymous=data.get("is_anonymous", False),
            )
        except (ValidationError, RateLimited) as error:
            add_service_errors(form, error)
            retry_after = getattr(error, "retry_after", None)
        else:
            return redirect(_post_url(post))
    services.save_draft(
        request.user, key=f"reply:{thread.pk}", body=request.POST.get("body", "")
    )
    last_page = selectors.page_of_post(thread.last_post_number)
    view = selectors.thread_page(request.user, thread, page=last_page)
    response = render(
        request,
        "discussions/thread_detail.html",
        {
            "thread": thread,
            "community": thread.community,
            "view": view,
            "page": view.posts,
            "reply_form": form,
            "anonymity_notice": policy.anonymity_notice(
                request.user, thread.community, thread.category
            ),
        },
        status=_error_status(True, retry_after),
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def thread_jump(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    thread = selectors.visible_thread(request.user, pk)
    number = min(max(number, 1), thread.last_post_number)
    url = reverse("discussions:thread-detail", kwargs={"pk": thread.pk})
    return redirect(f"{url}?page={selectors.page_of_post(number)}#post-{number}")


def post_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.visible_post(request.user, pk)
    return redirect(_post_url(post))


@login_required
def post_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    post = selectors.visible_post(request.user, pk)
    if not policy.can(request.user, Action.EDIT, post):
        raise PermissionDenied("You can only edit your own posts.")
    draft_key = f"edit:{post.pk}"
    draft = selectors.draft_for(request.user, draft_key)
    initial = {"title": post.thread.title, "body": post.body}
    # A draft older than the post's last edit (say, by a moderator) would undo it.
    if draft is not None and draft.updated_at >= (post.edited_at or post.created_at):
        initial = {"title": draft.title or post.thread.title, "body": draft.body}
    form = EditForm(request.POST or None, initial=initial, with_title=post.is_opening)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(
                request.user,
                post,
                body=form.cleaned_data["body"],
                title=form.cleaned_data.get("title") if post.is_opening else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            services.save_draft(
                request.user,
                key=draft_key,
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
            )
        else:
            messages.success(
                request,
                "Your changes are saved; the earlier version is in the history.",
            )
            return redirect(_post_url(post))
    return render(
        request,
        "discussions/post_edit.html",
        {
            "post": post,
            "thread": post.thread,
            "community": post.thread.community,
            "form": form,
            "draft_key": draft_key,
        },
        status=400 if form.errors else 200,
    )


@login_required
def post_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    post = selectors.visible_post(request.user, pk)
    if not policy.can(request.user, Action.DELETE, post):
        raise PermissionDenied("You can only delete your own posts.")
    if request.method == "POST":
        services.delete_post(request.user, post)
        if post.is_opening:
            messages.success(request, "The thread was deleted.")
            return redirect("discussions:thread-list", slug=post.thread.community.slug)
        messages.success(request, "The reply was deleted.")
        return redirect(_post_url(post))
    return render(
        request,
        "discussions/post_delete.html",
        {"post": post, "thread": post.thread, "community": post.thread.community},
    )


def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.visible_post(request.user, pk)
    revisions = selectors.post_revisions(request.user, post)
    return render(
        request,
        "discussions/post_history.html",
        {
            "post": post,
            "thread": post.thread,
            "community": post.thread.community,
            "author": policy.author_for(request.user, post),
            "revisions": revisions,
        },
    )


@require_POST
@login_required
def post_accept(request: AuthedRequest, pk: int) -> HttpResponse:
    post = selectors.visible_post(request.user, pk)
    services.accept_answer(request.user, post)
    messages.success(request, "Answer accepted. Thank you for closing the loop!")
    return redirect(_post_url(post))


@require_POST
@login_required
def thread_unaccept(request: AuthedRequest, pk: int) -> HttpResponse:
    thread = selectors.visible_thread(request.user, pk)
    services.unaccept_answer(request.user, thread)
    messages.success(request, "The question is open again.")
    return redirect("discussions:thread-detail", pk=pk)


@require_POST
@login_required
def post_endorse(request: AuthedRequest, pk: int) -> HttpResponse:
    post = selectors.visible_post(request.user, pk)
    endorse = request.POST.get("endorse", "1") == "1"
    services.endorse_post(request.user, post, endorse=endorse)
    return redirect(_post_url(post))


@require_POST
@login_required
def post_react(request: AuthedRequest, pk: int) -> HttpResponse:
    post = selectors.visible_post(request.user, pk)
    try:
        is_on = services.toggle_reaction(
            request.user, post, kind=request.POST.get("kind", "")
        )
    except ValidationError as error:
        if _wants_json(request):
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        messages.error(request, " ".join(error.messages))
        return redirect(_post_url(post))
    if _wants_json(request):
        return JsonResponse({"on": is_on})
    return redirect(_post_url(post))


@require_POST
@login_required
def thread_pin(request: AuthedRequest, pk: int) -> HttpResponse:
    thread = selectors.visible_thread(request.user, pk)
    services.set_pinned(request.user, thread, pinned=request.POST.get("pinned") == "1")
    return redirect("discussions:thread-detail", pk=pk)


# --- categories --------------------------------------------------------------


@login_required
def category_manage(request: AuthedRequest, slug: str) -> HttpResponse:
    community = selectors.visible_community(request.user, slug)
    if not policy.can(request.user, Action.MANAGE_CATEGORIES, community):
        raise PermissionDenied("Only owners and instructors can manage categories.")
    form = CategoryForm(
        request.POST or None, initial={"anonymity": Category.Anonymity.INHERIT}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.create_category(request.user, community, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Category added.")
            return redirect("discussions:category-manage", slug=slug)
    return render(
        request,
        "discussions/category_manage.html",
        {
            "community": community,
            "categories": selectors.categories_for(request.user, community),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


# --- composer helpers (used by scripts; pages work without them) --------------


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Log in to preview."}, status=401)
    html = services.preview(
        request.user,  # type: ignore[arg-type]
        request.POST.get("body", ""),
        key=request.POST.get("key", ""),
    )
    return JsonResponse({"html": html})


@require_POST
def draft_save(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Log in to save drafts."}, status=401)
    key = request.POST.get("key", "")
    try:
        services.save_draft(
            request.user,
            key=key,
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
        )
    except Http404:
        return JsonResponse({"error": "No such composer."}, status=404)
    return JsonResponse({"saved": True})
