"""Discussion pages: flows, bad input, 404s, XSS, and flat query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studyhall.communities.models import Community
from studyhall.discussions import services
from studyhall.discussions.models import Draft, Post, Thread
from tests.discussions.helpers import answer, ask
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_member_asks_a_question_from_the_form(client, community, student):
    login(client, student)
    url = reverse("discussions:thread-create", args=[community.slug])

    response = client.post(
        url,
        {"kind": "question", "title": "Why is my loss NaN?", "body": "Help **please**"},
    )

    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("discussions:thread-detail", args=[thread.pk])
    page = client.get(response.url)
    assert b"Why is my loss NaN?" in page.content
    assert b"<strong>please</strong>" in page.content


def test_rejected_thread_keeps_what_was_typed_and_saves_a_draft(
    client, community, student
):
    login(client, student)
    url = reverse("discussions:thread-create", args=[community.slug])

    response = client.post(
        url, {"kind": "question", "title": "x" * 201, "body": "my long text"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 200 characters" in html
    assert "my long text" in html
    assert 'aria-invalid="true"' in html
    assert (
        Draft.objects.get(user=student, key=f"thread:{community.pk}").body
        == "my long text"
    )
    again = client.get(url)
    assert "my long text" in again.content.decode()


def test_empty_reply_is_rejected_with_a_message(client, community, student):
    thread = ask(student, community)
    login(client, student)

    response = client.post(
        reverse("discussions:reply-create", args=[thread.pk]), {"body": "  "}
    )

    assert response.status_code == 400
    assert b"Write something before posting." in response.content


def test_oversized_reply_keeps_text(client, community, student):
    thread = ask(student, community)
    login(client, student)
    body = "z" * 50_001

    response = client.post(
        reverse("discussions:reply-create", args=[thread.pk]), {"body": body}
    )

    assert response.status_code == 400
    assert body.encode() in response.content
    assert b"50,000" in response.content


def test_reply_accept_endorse_react_flow(
    client, community, student, mentor, instructor
):
    thread = ask(student, community)
    login(client, mentor)
    client.post(
        reverse("discussions:reply-create", args=[thread.pk]), {"body": "Try this."}
    )
    reply = Post.objects.get(number=2)

    login(client, instructor)
    client.post(reverse("discussions:post-endorse", args=[reply.pk]), {"endorse": "1"})
    login(client, student)
    client.post(reverse("discussions:post-react", args=[reply.pk]), {"kind": "thanks"})
    response = client.post(reverse("discussions:post-accept", args=[reply.pk]))

    thread.refresh_from_db()
    assert response.status_code == 302
    assert thread.accepted_post_id == reply.pk and thread.has_endorsed_reply
    page = client.get(
        reverse("discussions:thread-detail", args=[thread.pk])
    ).content.decode()
    assert "Accepted answer" in page
    assert f"Endorsed by {instructor.display_name}" in page


def test_quote_reply_prefills_the_composer(client, community, student, mentor):
    thread = ask(student, community)
    reply = answer(mentor, thread, body="line one\nline two")
    login(client, student)

    page = client.get(
        reverse("discussions:thread-detail", args=[thread.pk]), {"quote": reply.pk}
    )

    html = page.content.decode()
    assert "&gt; line one\n&gt; line two" in html
    assert f'name="reply_to" value="{reply.pk}"' in html


def test_edit_and_history(client, community, student):
    thread = ask(student, community, body="first words")
    opening = thread.posts.get()
    login(client, student)

    client.post(
        reverse("discussions:post-edit", args=[opening.pk]),
        {"title": "Better", "body": "second words"},
    )
    history = client.get(
        reverse("discussions:post-history", args=[opening.pk])
    ).content.decode()

    assert "first words" in history and "second words" in history


def test_delete_reply_from_the_page(client, community, student, mentor):
    thread = ask(student, community)
    reply = answer(mentor, thread, body="oops")
    login(client, mentor)

    confirm = client.get(reverse("discussions:post-delete", args=[reply.pk]))
    client.post(reverse("discussions:post-delete", args=[reply.pk]))

    assert confirm.status_code == 200
    page = client.get(
        reverse("discussions:thread-detail", args=[thread.pk])
    ).content.decode()
    assert "This post was deleted." in page and "oops" not in page


@pytest.mark.parametrize(
    "name,args",
    [
        ("discussions:thread-detail", [999999]),
        ("discussions:post-detail", [999999]),
        ("discussions:post-history", [999999]),
        ("discussions:thread-jump", [999999, 1]),
        ("discussions:thread-list", ["no-such-community"]),
        ("communities:community-about", ["no-such-community"]),
    ],
)
def test_unknown_ids_give_404(client, student, name, args):
    login(client, student)

    assert client.get(reverse(name, args=args)).status_code == 404


def test_malformed_ids_give_404(client, student):
    login(client, student)

    for path in ["/t/abc/", "/t/1e5/", "/p/-1/", "/t/99999999999999999999999/"]:
        assert client.get(path).status_code == 404, path


def test_private_thread_is_404_for_outsiders(client, community, student, outsider):
    thread = ask(student, community, title="Secret plans")
    reply = answer(student, thread)
    login(client, outsider)

    for url in [
        reverse("discussions:thread-detail", args=[thread.pk]),
        reverse("discussions:post-detail", args=[reply.pk]),
        reverse("discussions:thread-list", args=[community.slug]),
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert b"Secret plans" not in response.content


XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "'';!--\"<XSS>=&{()}",
]


@pytest.mark.parametrize("payload", XSS)
def test_html_in_titles_bodies_and_names_renders_inert(
    client, community, student, payload
):
    community.description = payload
    community.name = payload[:100]
    community.save()
    student.display_name = payload[:80]
    student.save()
    thread = ask(student, community, title=payload, body=payload)
    login(client, student)

    pages = [
        client.get(reverse("discussions:thread-detail", args=[thread.pk])),
        client.get(reverse("discussions:thread-list", args=[community.slug])),
        client.get(reverse("communities:community-about", args=[community.slug])),
        client.get(reverse("communities:home")),
    ]

    for page in pages:
        html = page.content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<svg" not in html
        assert "<XSS>" not in html


def test_thread_list_filters(client, community, student, mentor, instructor):
    unanswered = ask(student, community, title="Nobody replied")
    answered = ask(student, community, title="Got an answer")
    services.accept_answer(student, answer(mentor, answered))
    endorsed = ask(student, community, title="Endorsed one")
    services.endorse_post(instructor, answer(mentor, endorsed))
    login(client, student)
    url = reverse("discussions:thread-list", args=[community.slug])

    def titles(**params):
        return client.get(url, params).content.decode()

    assert "Nobody replied" in titles(filter="unanswered")
    assert "Got an answer" not in titles(filter="unanswered")
    assert "Got an answer" in titles(filter="answered")
    assert "Endorsed one" in titles(filter="endorsed")
    assert "Nobody replied" not in titles(filter="endorsed")
    assert unanswered.title in titles(sort="new", filter="bogus", page="x")


def test_unread_marker_and_jump_to_first_unread(client, community, student, mentor):
    thread = ask(mentor, community, title="Lecture 3 notes")
    login(client, student)
    client.get(reverse("discussions:thread-detail", args=[thread.pk]))
    answer(mentor, thread)
    answer(mentor, thread)

    listing = client.get(
        reverse("discussions:thread-list", args=[community.slug])
    ).content.decode()
    jump = reverse("discussions:thread-jump", args=[thread.pk, 2])
    response = client.get(jump)

    assert "new replies" in listing
    assert jump in listing
    assert response.url.endswith("?page=1#post-2")
    client.get(reverse("discussions:thread-detail", args=[thread.pk]))
    listing = client.get(
        reverse("discussions:thread-list", args=[community.slug])
    ).content.decode()
    assert "new replies" not in listing
    assert (
        client.get(
            reverse("discussions:thread-list", args=[community.slug]),
            {"filter": "unread"},
        )
        .content.decode()
        .count("Lecture 3 notes")
        == 0
    )


def test_anonymous_post_shows_anonymous_to_peers_and_name_to_staff(
    client, community, student, mentor, instructor
):
    community.anonymity = Community.Anonymity.ANONYMOUS_TO_PEERS
    community.save()
    student.display_name = "Shy Sam"
    student.save()
    thread = ask(student, community, title="A shy question", is_anonymous=True)
    url = reverse("discussions:thread-detail", args=[thread.pk])

    peer_html = login(client, mentor).get(url).content.decode()
    list_html = client.get(
        reverse("discussions:thread-list", args=[community.slug])
    ).content.decode()
    staff_html = login(client, instructor).get(url).content.decode()

    assert "Anonymous" in peer_html and "Shy Sam" not in peer_html
    assert student.handle not in peer_html and student.handle not in list_html
    assert "Shy Sam" not in list_html
    assert "Shy Sam" in staff_html


def test_preview_and_draft_endpoints(client, student, community):
    login(client, student)

    preview = client.post(reverse("discussions:preview"), {"body": "**hi** $x$"})
    draft = client.post(
        reverse("discussions:draft-save"), {"key": "reply:7", "body": "wip"}
    )
    bad = client.post(reverse("discussions:draft-save"), {"key": "nope", "body": "wip"})

    assert "<strong>hi</strong>" in preview.json()["html"]
    assert draft.json() == {"saved": True}
    assert bad.status_code == 404
    client.logout()
    assert client.post(reverse("discussions:preview"), {"body": "x"}).status_code == 401


def test_pin_and_categories_pages(client, community, instructor, student):
    thread = ask(student, community)
    login(client, instructor)

    client.post(reverse("discussions:thread-pin", args=[thread.pk]), {"pinned": "1"})
    added = client.post(
        reverse("discussions:category-manage", args=[community.slug]),
        {"name": "Exam prep", "description": "", "anonymity": "inherit"},
    )

    assert Thread.objects.get(pk=thread.pk).is_pinned
    assert added.status_code == 302
    assert community.categories.filter(slug="exam-prep").exists()
    login(client, student)
    assert (
        client.get(
            reverse("discussions:category-manage", args=[community.slug])
        ).status_code
        == 403
    )


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_thread_page_query_count_does_not_grow(client, community, student, instructor):
    people = [make_member(community, "student") for _ in range(5)]
    small = ask(student, community, title="Small")
    big = ask(student, community, title="Big")
    for i in range(10):
        answer(people[i % 5], small, body=f"reply {i}")
    for i in range(300):
        reply = answer(people[i % 5], big, body=f"reply {i}")
        if i % 7 == 0:
            services.toggle_reaction(student, reply, kind="thanks")
    services.endorse_post(instructor, reply)
    services.accept_answer(student, Post.objects.filter(thread=big, number=5).get())
    login(client, student)
    client.get(reverse("discussions:thread-detail", args=[small.pk]))
    client.get(reverse("discussions:thread-detail", args=[big.pk]))

    small_count = _count_queries(
        client, reverse("discussions:thread-detail", args=[small.pk])
    )
    big_count = _count_queries(
        client, reverse("discussions:thread-detail", args=[big.pk]) + "?page=15"
    )

    assert small_count == big_count
    # One more than before for the blackout notice beside the composer.
    assert big_count <= 13


def test_thread_list_query_count_does_not_grow(client, community, student):
    other = make_member(community, "student")
    for i in range(10):
        ask(other, community, title=f"Small {i}")
    login(client, student)
    url = reverse("discussions:thread-list", args=[community.slug])
    small_count = _count_queries(client, url)
    for i in range(290):
        thread = ask(other, community, title=f"Big {i}")
        if i % 3 == 0:
            answer(student, thread)

    big_count = _count_queries(client, url)

    assert small_count == big_count
    assert big_count <= 12


def test_anonymous_visitor_reads_public_community(client, community, student):
    community.visibility = Community.Visibility.PUBLIC
    community.save()
    thread = ask(student, community, title="Open question")

    page = client.get(reverse("discussions:thread-detail", args=[thread.pk]))

    assert page.status_code == 200
    assert b"Log in</a> to reply" in page.content


def test_non_member_cannot_post_by_crafting_requests(client, community, student):
    community.visibility = Community.Visibility.PUBLIC
    community.save()
    thread = ask(student, community)
    stranger = UserFactory()
    login(client, stranger)

    reply = client.post(
        reverse("discussions:reply-create", args=[thread.pk]), {"body": "hi"}
    )
    new = client.post(
        reverse("discussions:thread-create", args=[community.slug]),
        {"title": "t", "body": "b", "kind": "question"},
    )

    assert reply.status_code == 403 and new.status_code == 403
    assert thread.posts.count() == 1


def test_odd_ids_in_query_strings_do_not_break_the_page(client, community, student):
    thread = ask(student, community)
    login(client, student)
    url = reverse("discussions:thread-detail", args=[thread.pk])

    for value in ["²", "٣", "-1", "9" * 40, "abc"]:
        assert client.get(url, {"quote": value}).status_code == 200
        assert client.get(url, {"reply_to": value}).status_code == 200


def test_nul_and_lone_surrogates_are_cleaned_not_500(client, community, student):
    login(client, student)

    response = client.post(
        reverse("discussions:thread-create", args=[community.slug]),
        {"kind": "question", "title": "Nul\x00 title", "body": "body\x00 text"},
    )
    draft = client.post(
        reverse("discussions:draft-save"), {"key": "reply:1", "body": "a\x00b"}
    )

    assert response.status_code == 400 or response.status_code == 302
    assert draft.status_code == 200


def test_replying_to_a_post_of_another_thread_is_refused(
    client, community, student, mentor
):
    first = ask(student, community)
    other = answer(mentor, ask(student, community, title="Other"))
    login(client, student)

    response = client.post(
        reverse("discussions:reply-create", args=[first.pk]),
        {"body": "hi", "reply_to": other.pk},
    )

    assert response.status_code == 400
    assert b"You can only reply to a post in this thread." in response.content


def test_quote_prefill_names_the_post_as_the_page_does(
    client, community, student, mentor
):
    thread = ask(student, community)
    reply = answer(mentor, thread, body="quoted")
    login(client, student)

    html = client.get(
        reverse("discussions:thread-detail", args=[thread.pk]), {"quote": reply.pk}
    ).content.decode()

    assert "wrote in reply #1:" in html
