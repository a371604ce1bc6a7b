"""Moderation pages: flag, queue, review, restrict, log, workload, settings,
guidelines, my notices and appeals; query counts, bad input and XSS."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studyhall.communities.models import Membership
from studyhall.discussions.models import Post, Thread
from studyhall.moderation import services
from studyhall.moderation.models import Appeal, AuditEntry, Case, Flag
from studyhall.moderation.registry import POST
from tests.discussions.helpers import answer, ask
from tests.factories import CategoryFactory, make_member

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "'';!--\"<XSS>=&{()}",
]


@pytest.fixture
def thread(community, student):
    return ask(student, community, title="Matrix question")


@pytest.fixture
def reply(thread, other_student):
    return answer(other_student, thread, body="Spammy reply text")


def count_queries(client, url):
    client.get(url)  # The first request of a session also records the session.
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_member_flags_from_the_post_and_sees_thanks(client, reply, student):
    client.force_login(student)
    page = client.get(reverse("discussions:thread-detail", args=[reply.thread_id]))
    flag_url = reverse("moderation:flag-create", args=["post", reply.pk])
    assert flag_url in page.content.decode()

    response = client.post(flag_url, {"reason": "spam", "note": ""}, follow=True)

    assert Flag.objects.get().reason == "spam"
    assert "moderators will look at it" in response.content.decode()


def test_rejected_flag_keeps_the_note(client, reply, student):
    client.force_login(student)

    response = client.post(
        reverse("moderation:flag-create", args=["post", reply.pk]),
        {"reason": "", "note": "Typed note"},
    )

    assert response.status_code == 400
    assert "Typed note" in response.content.decode()
    assert "Choose a reason." in response.content.decode()


def test_flag_over_the_limit_answers_429_with_retry_after(
    client, reply, student, settings
):
    settings.MODERATION_FLAGS_PER_WINDOW = 0
    client.force_login(student)

    response = client.post(
        reverse("moderation:flag-create", args=["post", reply.pk]),
        {"reason": "other", "note": "Keep me"},
    )

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Keep me" in response.content.decode()


def test_flagging_twice_shows_a_message(client, reply, student):
    services.flag_content(student, POST, reply, reason="spam")
    client.force_login(student)

    response = client.post(
        reverse("moderation:flag-create", args=["post", reply.pk]), {"reason": "spam"}
    )

    assert response.status_code == 400
    assert "already flagged" in response.content.decode()


def test_own_post_flag_page_is_refused(client, reply, other_student):
    client.force_login(other_student)

    response = client.get(reverse("moderation:flag-create", args=["post", reply.pk]))

    assert response.status_code == 403


def test_unknown_kind_and_ids_give_404(client, student, community):
    client.force_login(student)

    for url in [
        "/flag/nothing/1/",
        "/flag/post/999999/",
        "/appeal/post/999999/",
        f"/c/{community.slug}/moderation/items/post/999999/",
        f"/c/{community.slug}/moderation/members/999999/",
        f"/c/{community.slug}/moderation/threads/999999/",
    ]:
        assert client.get(url).status_code == 404, url


def test_moderator_hides_from_the_queue_and_author_is_told(
    client, community, reply, student, moderator, other_student
):
    services.flag_content(student, POST, reply, reason="spam", note="Ad")
    client.force_login(moderator)
    queue = client.get(reverse("moderation:queue", args=[community.slug]))
    assert "Spammy reply text" in queue.content.decode()
    assert "Waiting" in queue.content.decode()
    review_url = reverse(
        "moderation:item-review", args=[community.slug, "post", reply.pk]
    )
    assert review_url in queue.content.decode()

    client.post(review_url, {"action": "hide", "reason": "Advertising"})

    assert Post.objects.get(pk=reply.pk).is_hidden
    client.force_login(other_student)
    thread_page = client.get(
        reverse("discussions:thread-detail", args=[reply.thread_id])
    ).content.decode()
    assert "hidden pending review" in thread_page
    assert reverse("moderation:appeal-create", args=["post", reply.pk]) in thread_page
    mine = client.get(reverse("moderation:mine")).content.decode()
    assert "Advertising" in mine
    client.force_login(student)
    peer_page = client.get(
        reverse("discussions:thread-detail", args=[reply.thread_id])
    ).content.decode()
    assert "Spammy reply text" not in peer_page
    assert "hidden pending review" in peer_page


def test_author_appeals_from_the_page(client, reply, moderator, other_student):
    services.moderate_content(moderator, POST, reply, action="hide", reason="Spam")
    client.force_login(other_student)
    url = reverse("moderation:appeal-create", args=["post", reply.pk])
    assert "Spam" in client.get(url).content.decode()

    empty = client.post(url, {"text": ""})
    response = client.post(url, {"text": "It was course material"}, follow=True)

    assert empty.status_code == 400
    assert Appeal.objects.get().text == "It was course material"
    assert "appeal is sent" in response.content.decode()
    again = client.get(url, follow=True)  # Appealed once already.
    assert "already appealed" in again.content.decode()


def test_review_form_errors_keep_the_reason(client, community, reply, moderator):
    client.force_login(moderator)
    url = reverse("moderation:item-review", args=[community.slug, "post", reply.pk])

    response = client.post(url, {"action": "hide", "reason": ""})
    denied = client.post(url, {"action": "deny_appeal", "reason": "Typed"})

    assert response.status_code == 400
    assert denied.status_code == 400
    assert "Typed" in denied.content.decode()


def test_students_cannot_open_moderation_pages(client, community, reply, student):
    client.force_login(student)

    for url in [
        reverse("moderation:queue", args=[community.slug]),
        reverse("moderation:audit-log", args=[community.slug]),
        reverse("moderation:workload", args=[community.slug]),
        reverse("moderation:settings", args=[community.slug]),
    ]:
        assert client.get(url).status_code == 403, url
    assert (
        client.get(
            reverse("moderation:item-review", args=[community.slug, "post", reply.pk])
        ).status_code
        == 404
    )


def test_moderator_edits_with_reason(client, community, reply, moderator):
    client.force_login(moderator)
    url = reverse("moderation:post-edit", args=[community.slug, reply.pk])
    assert client.get(url).status_code == 200

    missing = client.post(url, {"body": "Clean text", "reason": ""})
    client.post(url, {"body": "Clean text", "reason": "Removed link"})

    assert missing.status_code == 400
    assert Post.objects.get(pk=reply.pk).body == "Clean text"
    assert AuditEntry.objects.get().reason == "Removed link"


def test_moderator_locks_and_moves_thread(client, community, thread, moderator):
    category = CategoryFactory(community=community, name="Exams")
    client.force_login(moderator)
    url = reverse("moderation:thread-actions", args=[community.slug, thread.pk])
    assert client.get(url).status_code == 200

    client.post(url, {"action": "lock", "reason": "Heated"})
    client.post(url, {"action": "move", "category": str(category.pk), "reason": ""})
    missing = client.post(url, {"action": "lock", "reason": ""})

    thread.refresh_from_db()
    assert thread.is_locked and thread.category == category
    assert missing.status_code == 400
    page = client.get(reverse("discussions:thread-detail", args=[thread.pk]))
    assert "This thread is locked" in page.content.decode()


def test_moderator_restricts_a_member(client, community, moderator, other_student):
    membership = Membership.objects.get(community=community, user=other_student)
    client.force_login(moderator)
    url = reverse("moderation:member-restrict", args=[community.slug, membership.pk])
    assert client.get(url).status_code == 200

    bad = client.post(url, {"action": "mute", "reason": "Rude"})
    client.post(url, {"action": "mute", "days": "2", "reason": "Rude"})

    assert bad.status_code == 400
    membership.refresh_from_db()
    assert membership.muted_until is not None


def test_owner_reads_and_filters_the_audit_log(
    client, community, owner, moderator, reply, other_student
):
    services.moderate_content(moderator, POST, reply, action="hide", reason="Spam")
    services.restrict_member(
        moderator,
        Membership.objects.select_related("community").get(user=other_student),
        action="warn",
        reason="Tone",
    )
    client.force_login(owner)
    url = reverse("moderation:audit-log", args=[community.slug])

    everything = client.get(url).content.decode()
    warns = client.get(url, {"kind": "warn"}).content.decode()
    by_handle = client.get(url, {"actor": moderator.handle, "since": "2000-01-01"})

    assert "Spam" in everything and "Tone" in everything
    assert "Tone" in warns and "Spam" not in warns
    assert by_handle.status_code == 200 and "Tone" in by_handle.content.decode()


def test_owner_sees_workload(client, community, owner, moderator, reply, student):
    services.flag_content(student, POST, reply, reason="spam")
    services.moderate_content(moderator, POST, reply, action="dismiss")
    other = ask(student, community, title="Another")
    services.flag_content(moderator, POST, other.posts.get(), reason="off_topic")
    client.force_login(owner)

    html = client.get(reverse("moderation:workload", args=[community.slug]))

    body = html.content.decode()
    assert "1 item waiting" in body
    assert moderator.display_name in body


def test_owner_writes_guidelines_linked_from_composers(
    client, community, owner, student, thread
):
    client.force_login(owner)
    url = reverse("moderation:settings", args=[community.slug])
    bad = client.post(url, {"auto_hide_threshold": "-3", "guidelines": "Kept"})
    client.post(url, {"auto_hide_threshold": "4", "guidelines": "Be **kind**."})

    assert bad.status_code == 400 and "Kept" in bad.content.decode()
    client.force_login(student)
    guidelines_url = reverse("moderation:guidelines", args=[community.slug])
    assert "<strong>kind</strong>" in client.get(guidelines_url).content.decode()
    for composer in [
        reverse("discussions:thread-create", args=[community.slug]),
        reverse("discussions:thread-detail", args=[thread.pk]),
    ]:
        assert guidelines_url in client.get(composer).content.decode()


def test_queue_query_count_does_not_grow(client, community, moderator):
    author = make_member(community, "student")
    flaggers = [make_member(community, "student") for _ in range(3)]
    thread = ask(author, community)
    url = reverse("moderation:queue", args=[community.slug])

    def flag(n):
        for i in range(n):
            post = answer(author, thread, body=f"r {i}")
            for flagger in flaggers:
                Flag.objects.create(
                    case=services.case_for(POST, post), flagger=flagger, reason="spam"
                )
        Case.objects.update(status=Case.Status.OPEN)

    flag(3)
    client.force_login(moderator)
    small = count_queries(client, url)
    flag(40)

    big = count_queries(client, url)

    assert small == big


def test_audit_log_and_workload_query_counts_do_not_grow(
    client, community, owner, moderator
):
    author = make_member(community, "student")
    thread = ask(author, community)
    log_url = reverse("moderation:audit-log", args=[community.slug])
    load_url = reverse("moderation:workload", args=[community.slug])

    def act(n):
        for i in range(n):
            post = answer(author, thread, body=f"r {i}")
            services.moderate_content(moderator, POST, post, action="dismiss")

    act(2)
    client.force_login(owner)
    small = (count_queries(client, log_url), count_queries(client, load_url))
    act(30)

    big = (count_queries(client, log_url), count_queries(client, load_url))

    assert small == big


def test_mine_query_count_does_not_grow(client, community, moderator, other_student):
    thread = ask(other_student, community)

    def hide(n):
        for i in range(n):
            post = answer(other_student, thread, body=f"r {i}")
            services.moderate_content(moderator, POST, post, action="hide", reason="x")

    hide(2)
    client.force_login(other_student)
    small = count_queries(client, reverse("moderation:mine"))
    hide(20)

    assert count_queries(client, reverse("moderation:mine")) == small


@pytest.mark.parametrize("payload", XSS)
def test_flag_notes_reasons_and_guidelines_render_inert(
    client, community, owner, moderator, student, other_student, payload
):
    thread = ask(other_student, community, title=payload, body=payload)
    post = thread.posts.get()
    services.flag_content(student, POST, post, reason="other", note=payload)
    services.moderate_content(moderator, POST, post, action="hide", reason=payload)
    services.appeal(other_student, Case.objects.get(), text=payload)
    services.update_settings(
        owner, community, auto_hide_threshold=3, guidelines=payload
    )
    client.force_login(owner)

    pages = [
        client.get(reverse("moderation:queue", args=[community.slug])),
        client.get(
            reverse("moderation:item-review", args=[community.slug, "post", post.pk])
        ),
        client.get(reverse("moderation:audit-log", args=[community.slug])),
        client.get(reverse("moderation:guidelines", args=[community.slug])),
    ]
    client.force_login(other_student)
    pages.append(client.get(reverse("moderation:mine")))

    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<svg" not in html
        assert "<XSS>" not in html


def test_thread_hidden_by_flags_disappears_from_peers_list(
    client, community, student, other_student, settings
):
    settings.MODERATION_AUTO_HIDE_FLAGS = 1
    thread = ask(other_student, community, title="Hide me please")
    services.flag_content(
        make_member(community, "mentor"), POST, thread.posts.get(), reason="spam"
    )
    assert Thread.objects.get(pk=thread.pk).is_hidden
    client.force_login(student)

    listing = client.get(reverse("discussions:thread-list", args=[community.slug]))
    detail = client.get(reverse("discussions:thread-detail", args=[thread.pk]))

    assert "Hide me please" not in listing.content.decode()
    assert detail.status_code == 404


def test_joining_a_community_with_guidelines_needs_accepting_them(
    client, community, owner, outsider
):
    services.update_settings(
        owner, community, auto_hide_threshold=3, guidelines="Be kind."
    )
    client.force_login(outsider)
    community.visibility = "public"
    community.save()
    about = client.get(reverse("communities:community-about", args=[community.slug]))
    assert "accept the" in about.content.decode()
    join = reverse("communities:community-join", args=[community.slug])

    refused = client.post(join, follow=True)
    assert "Accept the community guidelines" in refused.content.decode()
    assert not Membership.objects.filter(user=outsider).exists()

    client.post(join, {"accept_guidelines": "on"})
    assert Membership.objects.get(user=outsider).guidelines_accepted_at is not None


def test_api_join_needs_accepting_guidelines(community, owner, outsider):
    from tests.api.conftest import send, signed_in

    services.update_settings(owner, community, auto_hide_threshold=3, guidelines="Hi")
    community.visibility = "public"
    community.save()
    path = f"/communities/{community.slug}/memberships"

    refused = send(signed_in(outsider), "POST", path, {})
    joined = send(signed_in(outsider), "POST", path, {"accept_guidelines": True})

    assert refused.status_code == 422
    assert joined.status_code in {200, 201}
