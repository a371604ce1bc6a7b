"""Recognition pages. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Community, Membership
from studyhall.core.forms import AuthedRequest, add_service_errors
from studyhall.discussions import selectors as board
from studyhall.discussions.models import Post
from studyhall.policy import Action
from studyhall.profiles.models import ShowcaseItem
from studyhall.recognition import forms, openbadges, selectors, services
from studyhall.recognition.models import Revocable, RubricCriterion
from studyhall.recognition.pdf import certificate_pdf
from studyhall.recognition.share import ShareCard, linkedin_add_certification


def _is_staff_here(request: HttpRequest, community: Community) -> bool:
    """Whether to show the staff tabs (rubric, certificates)."""
    return policy.can(request.user, Action.MANAGE_RECOGNITION, community)


# --- my dashboard -------------------------------------------------------------------


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    view = selectors.dashboard(request.user)
    form = forms.GoalForm(request.POST or None, initial={"target": view.goal})
    if request.method == "POST" and form.is_valid():
        services.set_weekly_goal(request.user, target=form.cleaned_data["target"])
        messages.success(request, "Your weekly goal is saved.")
        return redirect("recognition:dashboard")
    return render(
        request,
        "recognition/dashboard.html",
        {"view": view, "form": form},
        status=400 if form.errors else 200,
    )


# --- a post's feedback ---------------------------------------------------------------


def _give_feedback(
    request: HttpRequest, target: Post | ShowcaseItem, *, refusal: str, done: str
) -> tuple[forms.FeedbackForm | None, bool]:
    """Handle the private feedback form on a feedback page.

    Returns the form to show (None when the viewer may not give feedback)
    and whether feedback was just sent, after which the page redirects.
    """
    can_give = policy.can(request.user, Action.GIVE_FEEDBACK, target)
    posted = request.method == "POST"
    if posted and not can_give:
        raise PermissionDenied(refusal)
    form = forms.FeedbackForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            services.give_feedback(
                request.user,  # type: ignore[arg-type]
                target,
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return form, True
    return (form if can_give else None), False


def _wanted_context(
    request: HttpRequest, target: Post | ShowcaseItem
) -> dict[str, object]:
    """The "feedback wanted" part of a feedback page: the summary, and the
    rubric form link for those who may still respond."""
    user = request.user
    summary = selectors.request_summary(user, target)
    can_respond = (
        summary.request is not None
        and summary.request.is_open
        and not summary.has_responded
        and policy.can(user, Action.RESPOND_FEEDBACK, summary.request)
    )
    return {
        "summary": summary,
        "can_request": policy.can(user, Action.REQUEST_FEEDBACK, target),
        "can_respond": can_respond,
    }


def post_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    post = board.visible_post(request.user, pk)
    user = request.user
    feedback_form, sent = _give_feedback(
        request,
        post,
        refusal="Only instructors can give feedback on others' posts.",
        done="Feedback sent privately to the author.",
    )
    if sent:
        return redirect("recognition:post-feedback", pk=post.pk)
    return render(
        request,
        "recognition/post_feedback.html",
        {
            "post": post,
            "thread": post.thread,
            "community": post.thread.community,
            "author": policy.author_for(user, post),
            "feedback": selectors.feedback_on_post(user, post),
            "feedback_form": feedback_form,
            "is_author": post.author_id == user.pk,
            "request_form": forms.RequestForm(),
            "wanted_url": reverse("recognition:post-feedback-wanted", args=[post.pk]),
            "review_url": reverse("recognition:post-review", args=[post.pk]),
            **_wanted_context(request, post),
        },
        status=400 if feedback_form is not None and feedback_form.errors else 200,
    )


def _item_request_form(
    request: HttpRequest, data: object = None
) -> forms.ItemRequestForm:
    communities = Community.objects.filter(
        memberships__user_id=request.user.pk or 0,
        memberships__status=Membership.Status.ACTIVE,
    ).order_by("name", "pk")
    return forms.ItemRequestForm(data, communities=communities)


def showcase_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """A portfolio item's feedback: private notes from instructors, and the
    rubric responses when its owner asked for feedback."""
    item = selectors.visible_showcase_item(request.user, pk)
    form, sent = _give_feedback(
        request,
        item,
        refusal="Only instructors of the owner's communities can give feedback.",
        done="Feedback sent privately to the owner.",
    )
    if sent:
        return redirect("recognition:showcase-feedback", pk=item.pk)
    return _showcase_page(request, item, form, _item_request_form(request))


def _showcase_page(
    request: HttpRequest,
    item: ShowcaseItem,
    feedback_form: forms.FeedbackForm | None,
    request_form: forms.ItemRequestForm,
) -> HttpResponse:
    rejected = bool(request_form.errors) or bool(
        feedback_form is not None and feedback_form.errors
    )
    if feedback_form is None and policy.can(request.user, Action.GIVE_FEEDBACK, item):
        feedback_form = forms.FeedbackForm()
    return render(
        request,
        "recognition/showcase_feedback.html",
        {
            "item": item,
            "feedback": selectors.feedback_on_showcase(request.user, item),
            "feedback_form": feedback_form,
            "is_owner": item.owner_id == request.user.pk,
            "request_form": request_form,
            "wanted_url": reverse(
                "recognition:showcase-feedback-wanted", args=[item.pk]
            ),
            "review_url": reverse("recognition:showcase-review", args=[item.pk]),
            **_wanted_context(request, item),
        },
        status=400 if rejected else 200,
    )


def _close_request(request: AuthedRequest, target: Post | ShowcaseItem) -> None:
    summary = selectors.request_summary(request.user, target)
    if summary.request is not None:
        services.close_feedback_request(request.user, summary.request)
    messages.success(request, "You are no longer asking for feedback on this.")


@require_POST
@login_required
def post_feedback_wanted(request: AuthedRequest, pk: int) -> HttpResponse:
    post = board.visible_post(request.user, pk)
    if request.POST.get("action") == "close":
        _close_request(request, post)
    else:
        form = forms.RequestForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        services.request_feedback(request.user, post, note=note)
        messages.success(
            request, "Classmates and instructors can now give you feedback."
        )
    return redirect("recognition:post-feedback", pk=post.pk)


@require_POST
@login_required
def showcase_feedback_wanted(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.visible_showcase_item(request.user, pk)
    if request.POST.get("action") == "close":
        _close_request(request, item)
        return redirect("recognition:showcase-feedback", pk=item.pk)
    if not policy.can(request.user, Action.REQUEST_FEEDBACK, item):
        raise PermissionDenied("You can ask for feedback on your own items only.")
    form = _item_request_form(request, request.POST)
    if form.is_valid():
        try:
            services.request_feedback(
                request.user,
                item,
                note=form.cleaned_data["note"],
                community=form.cleaned_data["community"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Members of {form.cleaned_data['community'].name} can now give "
                "you feedback.",
            )
            return redirect("recognition:showcase-feedback", pk=item.pk)
    return _showcase_page(request, item, None, form)


def _review(
    request: AuthedRequest, target: Post | ShowcaseItem, back: str
) -> HttpResponse:
    """Score a post or portfolio item with the rubric, and comment."""
    summary = selectors.request_summary(request.user, target)
    if summary.request is None:
        raise Http404("Nobody asked for feedback on this.")
    criteria = selectors.rubric_for(summary.request.rubric_community_id)
    form = forms.ReviewForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            services.respond_to_request(
                request.user,
                summary.request,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: your feedback is with the author.")
            return redirect(back)
    if isinstance(target, Post):
        body_html = target.body_html
    else:
        body_html = target.description_html
    return render(
        request,
        "recognition/review.html",
        {"body_html": body_html, "back_url": back, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def post_review(request: AuthedRequest, pk: int) -> HttpResponse:
    post = board.visible_post(request.user, pk)
    return _review(request, post, reverse("recognition:post-feedback", args=[pk]))


@login_required
def showcase_review(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.visible_showcase_item(request.user, pk)
    return _review(request, item, reverse("recognition:showcase-feedback", args=[pk]))


# --- a community's recognition pages ------------------------------------------------


def leaderboard(request: HttpRequest, slug: str) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    period = request.GET.get("period", "week")
    view = selectors.leaderboard(request.user, community, period=period)
    return render(
        request,
        "recognition/leaderboard.html",
        {
            "community": community,
            "is_staff_here": _is_staff_here(request, community),
            "board": view,
            "periods": selectors.PERIODS,
            "can_manage": policy.can(
                request.user, Action.MANAGE_RECOGNITION, community
            ),
        },
    )


@require_POST
@login_required
def leaderboard_visibility(request: AuthedRequest, slug: str) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    hidden = request.POST.get("hidden") == "1"
    services.set_leaderboard_visibility(request.user, community, hidden=hidden)
    messages.success(
        request,
        "You no longer appear on this community's leaderboards."
        if hidden
        else "You appear on this community's leaderboards again.",
    )
    return redirect("recognition:leaderboard", slug=slug)


def point_rules(request: HttpRequest, slug: str) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    if policy.role_in(request.user, community) is None:
        raise PermissionDenied("Only members can see how points are earned here.")
    rules = services.rules_for(community)
    options = services.settings_for(community)
    can_manage = policy.can(request.user, Action.MANAGE_RECOGNITION, community)
    form = None
    if can_manage:
        form = forms.RulesForm(
            request.POST or None,
            rules=rules,
            initial={
                "leaderboards_enabled": options.leaderboards_enabled,
                "term_started_on": options.term_started_on,
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.set_point_rules(
                    request.user,  # type: ignore[arg-type]
                    community,
                    rules=form.rules(),
                )
                services.set_leaderboard_options(
                    request.user,  # type: ignore[arg-type]
                    community,
                    enabled=form.cleaned_data["leaderboards_enabled"],
                    term_started_on=form.cleaned_data["term_started_on"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Point rules saved.")
                return redirect("recognition:point-rules", slug=slug)
    elif request.method == "POST":
        raise PermissionDenied("Only owners and instructors can change point rules.")
    return render(
        request,
        "recognition/point_rules.html",
        {
            "community": community,
            "is_staff_here": _is_staff_here(request, community),
            "rules": rules.values(),
            "options": options,
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


def kudos(request: HttpRequest, slug: str) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    items = list(selectors.kudos_for(request.user, community)[:50])
    people = [
        p for p in selectors.members_for_choice(community) if p.pk != request.user.pk
    ]
    form = forms.KudosForm(request.POST or None, people=people)
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise PermissionDenied("Log in to give kudos.")
        if form.is_valid():
            recipient = next(
                p for p in people if p.handle == form.cleaned_data["recipient"]
            )
            try:
                services.give_kudos(
                    request.user,  # type: ignore[arg-type]
                    community,
                    recipient,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Kudos sent to {recipient.display_name}.")
                return redirect("recognition:kudos", slug=slug)
    return render(
        request,
        "recognition/kudos.html",
        {
            "community": community,
            "is_staff_here": _is_staff_here(request, community),
            "items": items,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def feedback_wanted(request: HttpRequest, slug: str) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    if policy.role_in(request.user, community) is None:
        raise PermissionDenied("Only members can see requests for feedback.")
    return render(
        request,
        "recognition/feedback_wanted.html",
        {
            "community": community,
            "is_staff_here": _is_staff_here(request, community),
            "requests": selectors.open_requests(request.user, community),
        },
    )


@login_required
def rubric(request: AuthedRequest, slug: str) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    if not policy.can(request.user, Action.MANAGE_RECOGNITION, community):
        raise PermissionDenied("Only owners and instructors can change the rubric.")
    form = forms.CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_criterion(request.user, community, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Criterion added.")
            return redirect("recognition:rubric", slug=slug)
    return render(
        request,
        "recognition/rubric.html",
        {
            "community": community,
            "is_staff_here": _is_staff_here(request, community),
            "criteria": selectors.rubric_for(community),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def rubric_remove(request: AuthedRequest, slug: str, criterion_id: int) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    criterion = RubricCriterion.objects.filter(
        pk=criterion_id, community=community
    ).first()
    if criterion is None:
        raise Http404("No such criterion.")
    services.remove_criterion(request.user, criterion)
    messages.success(request, "Criterion removed.")
    return redirect("recognition:rubric", slug=slug)


# --- badges ---------------------------------------------------------------------------


def community_badges(request: HttpRequest, slug: str) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    if policy.role_in(request.user, community) is None:
        raise PermissionDenied("Only members can see this community's badges.")
    services.builtin_badges()
    user = request.user
    can_define = policy.can(user, Action.DEFINE_BADGES, community)
    can_award = policy.can(user, Action.AWARD_BADGES, community)
    form = forms.BadgeForm(
        request.POST if can_define and request.method == "POST" else None,
        request.FILES if can_define and request.method == "POST" else None,
    )
    if request.method == "POST":
        if not can_define:
            raise PermissionDenied("Only the community's owners can define badges.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.define_badge(
                    user,  # type: ignore[arg-type]
                    community,
                    name=data["name"],
                    description=data["description"],
                    criteria=data["criteria"],
                    image=data["image"],
                    rule_kind=data["rule_kind"],
                    rule_count=data["rule_count"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Badge defined.")
                return redirect("recognition:community-badges", slug=slug)
    return render(
        request,
        "recognition/community_badges.html",
        {
            "community": community,
            "is_staff_here": _is_staff_here(request, community),
            "badges": selectors.badges_for(community),
            "form": form if can_define else None,
            "can_award": can_award,
            "people": selectors.members_for_choice(community) if can_award else [],
            "awards": selectors.community_awards(user, community) if can_award else [],
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def badge_award(request: AuthedRequest, slug: str, badge_uid: str) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    badge = selectors.badge_by_uid(badge_uid)
    if badge.community_id != community.pk:
        raise Http404("No such badge in this community.")
    recipient = User.objects.filter(handle=request.POST.get("recipient", "")).first()
    try:
        if recipient is None:
            raise ValidationError({"recipient": "Choose a member of this community."})
        services.award_badge(request.user, badge, recipient)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{badge.name} awarded to {recipient.display_name}.")
    return redirect("recognition:community-badges", slug=slug)


def _revoke_in_community(
    request: AuthedRequest,
    slug: str,
    record: Revocable,
    revoke: Callable[..., object],
    *,
    done: str,
) -> None:
    """Revoke an award or certificate of the community named in the address."""
    community = board.visible_community(request.user, slug)
    if record.community_id != community.pk:
        raise Http404("Not found in this community.")
    try:
        revoke(request.user, record, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)


@require_POST
@login_required
def award_revoke(request: AuthedRequest, slug: str, award_uid: str) -> HttpResponse:
    _revoke_in_community(
        request,
        slug,
        selectors.award_by_uid(award_uid),
        services.revoke_badge,
        done="The badge is revoked; verification now says so.",
    )
    return redirect("recognition:community-badges", slug=slug)


# --- public badge pages and Open Badges documents ----------------------------------


def _json(document: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(document, status=status, json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def badge_detail(request: HttpRequest, badge_uid: str) -> HttpResponse:
    badge = selectors.badge_by_uid(badge_uid)
    return render(request, "recognition/badge_detail.html", {"badge": badge})


def badge_image(request: HttpRequest, badge_uid: str) -> HttpResponseBase:
    badge = selectors.badge_by_uid(badge_uid)
    if not badge.image:
        return HttpResponseRedirect(openbadges.badge_image_url(badge))
    response = FileResponse(badge.image.open("rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def ob_issuer(request: HttpRequest) -> HttpResponse:
    return _json(openbadges.issuer_profile())


def ob_revocations(request: HttpRequest) -> HttpResponse:
    return _json(openbadges.revocation_list(selectors.revoked_awards()))


def ob_badge_class(request: HttpRequest, badge_uid: str) -> HttpResponse:
    return _json(openbadges.badge_class(selectors.badge_by_uid(badge_uid)))


def ob_assertion(request: HttpRequest, award_uid: str) -> HttpResponse:
    award = selectors.award_by_uid(award_uid)
    # A revoked hosted assertion answers 410 Gone with revoked: true.
    return _json(openbadges.assertion(award), status=410 if award.is_revoked else 200)


def ob_credential(request: HttpRequest, award_uid: str) -> HttpResponse:
    award = selectors.award_by_uid(award_uid)
    response = _json(openbadges.credential(award))
    if "download" in request.GET:
        response["Content-Disposition"] = (
            f'attachment; filename="badge-{award.uid}.json"'
        )
    return response


def ob_status(request: HttpRequest, award_uid: str) -> HttpResponse:
    return _json(openbadges.credential_status(selectors.award_by_uid(award_uid)))


def public_key(request: HttpRequest) -> HttpResponse:
    return _json(openbadges.public_key_document())


def award_detail(request: HttpRequest, award_uid: str) -> HttpResponse:
    award = selectors.award_by_uid(award_uid)
    url = openbadges.absolute(
        reverse("recognition:award-detail", kwargs={"award_uid": award.uid})
    )
    card = ShareCard(
        title=f"{award.recipient.display_name} earned “{award.badge.name}”",
        description=f"{award.badge.description} Issued in {award.community.name} "
        f"on {settings.SITE_NAME}.",
        url=url,
        image=openbadges.badge_image_url(award.badge),
    )
    return render(
        request,
        "recognition/award_detail.html",
        {
            "award": award,
            "card": card,
            "is_recipient": award.recipient_id == request.user.pk,
        },
    )


# --- certificates ---------------------------------------------------------------------


@login_required
def certificates(request: AuthedRequest, slug: str) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    issued = selectors.certificates_page(request.user, community)
    people = selectors.members_for_choice(community)
    form = forms.CertificateBatchForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.request_certificates(
                request.user,
                community,
                user_ids=form.cleaned_data["members"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(
                "recognition:certificate-batch", slug=slug, batch_id=batch.pk
            )
    return render(
        request,
        "recognition/certificates.html",
        {
            "community": community,
            "is_staff_here": True,
            "issued": issued,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def certificate_batch(request: AuthedRequest, slug: str, batch_id: int) -> HttpResponse:
    community = board.visible_community(request.user, slug)
    batch = selectors.batch_for(request.user, community, batch_id)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": batch.status,
                "done": batch.done_count,
                "total": batch.total,
                "percent": batch.percent,
            }
        )
    return render(
        request,
        "recognition/certificate_batch.html",
        {"community": community, "batch": batch},
    )


@require_POST
@login_required
def certificate_revoke(
    request: AuthedRequest, slug: str, certificate_uid: str
) -> HttpResponse:
    _revoke_in_community(
        request,
        slug,
        selectors.certificate_by_uid(certificate_uid),
        services.revoke_certificate,
        done="The certificate is revoked.",
    )
    return redirect("recognition:certificates", slug=slug)


def _verify_url(certificate_uid: object) -> str:
    return openbadges.absolute(
        reverse(
            "recognition:certificate-verify",
            kwargs={"certificate_uid": certificate_uid},
        )
    )


def certificate_verify(request: HttpRequest, certificate_uid: str) -> HttpResponse:
    certificate = selectors.certificate_by_uid(certificate_uid)
    url = _verify_url(certificate.uid)
    title = certificate.get_kind_display()
    card = ShareCard(
        title=f"{certificate.recipient_name}: {title}, {certificate.community.name}",
        description=f"{title} for {certificate.community.name}, issued on "
        f"{certificate.issued_at:%d %B %Y} by {settings.SITE_NAME}.",
        url=url,
        image=openbadges.absolute(
            reverse(
                "recognition:certificate-qr",
                kwargs={"certificate_uid": certificate.uid},
            )
        ),
    )
    linkedin = linkedin_add_certification(
        name=f"{title}: {certificate.community.name}",
        organisation=settings.SITE_NAME,
        issued=certificate.issued_at,
        url=url,
        cert_id=str(certificate.uid),
    )
    return render(
        request,
        "recognition/certificate_verify.html",
        {
            "certificate": certificate,
            "card": card,
            "linkedin_add": linkedin,
            "is_recipient": certificate.recipient_id == request.user.pk,
        },
    )


def certificate_qr(request: HttpRequest, certificate_uid: str) -> HttpResponse:
    import io

    import segno

    certificate = selectors.certificate_by_uid(certificate_uid)
    out = io.BytesIO()
    segno.make(_verify_url(certificate.uid), error="m").save(
        out, kind="png", scale=8, border=2
    )
    return HttpResponse(out.getvalue(), content_type="image/png")


def certificate_pdf_view(request: HttpRequest, certificate_uid: str) -> HttpResponse:
    certificate = selectors.certificate_by_uid(certificate_uid)
    data = certificate_pdf(
        certificate,
        verify_url=_verify_url(certificate.uid),
        site_name=settings.SITE_NAME,
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{certificate.uid}.pdf"'
    )
    return response


# --- sharing -----------------------------------------------------------------------------


def share_mastodon(request: HttpRequest) -> HttpResponse:
    """Ask for the reader's Mastodon server, then send them to its share page."""
    text = request.GET.get("text", "")[:500]
    server = request.GET.get("server", "").strip().lower()
    server = server.removeprefix("https://").removeprefix("http://").strip("/")
    error = ""
    if server:
        if _is_host_name(server):
            return HttpResponseRedirect(
                f"https://{server}/share?" + urlencode({"text": text})
            )
        error = "Give your server's name, such as mastodon.social."
    return render(
        request,
        "recognition/share_mastodon.html",
        {"text": text, "server": server, "error": error},
        status=400 if error else 200,
    )


def _is_host_name(value: str) -> bool:
    labels = value.split(".")
    return (
        len(value) <= 253
        and len(labels) >= 2
        and all(
            label
            and len(label) <= 63
            and label.replace("-", "").isalnum()
            and label.isascii()
            for label in labels
        )
    )
