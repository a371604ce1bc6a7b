from __future__ import annotations

import pytest

from studyhall.discussions import services as discussions
from studyhall.discussions.models import Category, Post, Reaction, Thread
from tests.api.conftest import error_code, get, make_thread, send, signed_in
from tests.factories import make_member

pytestmark = pytest.mark.django_db


# --- thread list -------------------------------------------------------------------


def test_thread_list_shows_visible_threads(student, community, thread):
    response = get(signed_in(student), f"/communities/{community.slug}/threads")

    items = response.json()["items"]
    assert response.status_code == 200
    assert [item["id"] for item in items] == [thread.pk]
    assert items[0]["title"] == "How do I start?"
    assert items[0]["author"]["handle"] == student.handle
    assert items[0]["community"] == community.slug
    assert items[0]["is_unread"] is False


def test_thread_list_filters_like_the_page(student, community):
    question = make_thread(student, community, title="A question")
    discussion = make_thread(student, community, title="A chat", kind="discussion")
    client = signed_in(student)
    path = f"/communities/{community.slug}/threads"

    questions = get(client, path, {"filter": "questions"}).json()["items"]
    discussions_ = get(client, path, {"filter": "discussions"}).json()["items"]

    assert [t["id"] for t in questions] == [question.pk]
    assert [t["id"] for t in discussions_] == [discussion.pk]


def test_thread_list_unread_filter(student, other_student, community):
    read = make_thread(student, community, title="Mine")
    unread = make_thread(other_student, community, title="Theirs")

    response = get(
        signed_in(student),
        f"/communities/{community.slug}/threads",
        {"filter": "unread"},
    )

    ids = [t["id"] for t in response.json()["items"]]
    assert ids == [unread.pk]
    assert read.pk not in ids


def test_thread_list_sorts_new_first(student, community):
    older = make_thread(student, community, title="Older")
    newer = make_thread(student, community, title="Newer")
    discussions.create_reply(student, older, body="bump")

    active = get(signed_in(student), f"/communities/{community.slug}/threads")
    new = get(
        signed_in(student), f"/communities/{community.slug}/threads", {"sort": "new"}
    )

    assert [t["id"] for t in active.json()["items"]] == [older.pk, newer.pk]
    assert [t["id"] for t in new.json()["items"]] == [newer.pk, older.pk]


def test_thread_list_by_category(student, community):
    labs = Category.objects.create(community=community, name="Labs", slug="labs")
    in_labs = make_thread(student, community, category=labs)
    make_thread(student, community)

    response = get(
        signed_in(student),
        f"/communities/{community.slug}/threads",
        {"category": "labs"},
    )

    assert [t["id"] for t in response.json()["items"]] == [in_labs.pk]
    assert response.json()["items"][0]["category"] == {"slug": "labs", "name": "Labs"}


def test_thread_list_with_unknown_category_is_422(student, community):
    response = get(
        signed_in(student),
        f"/communities/{community.slug}/threads",
        {"category": "nope"},
    )

    assert response.status_code == 422
    assert "category" in response.json()["error"]["fields"]


def test_thread_list_with_unknown_filter_is_422(student, community):
    response = get(
        signed_in(student), f"/communities/{community.slug}/threads", {"filter": "best"}
    )

    assert response.status_code == 422
    assert "filter" in response.json()["error"]["fields"]


def test_public_thread_list_is_open_to_anonymous_readers(client, public_community):
    owner = make_member(public_community, "owner")
    thread = make_thread(owner, public_community)

    response = get(client, f"/communities/{public_community.slug}/threads")

    assert response.status_code == 200
    assert response.json()["items"][0]["id"] == thread.pk
    assert response.json()["items"][0]["is_unread"] is None


# --- threads ----------------------------------------------------------------------


def test_student_starts_a_thread(student, community):
    response = send(
        signed_in(student),
        "POST",
        f"/communities/{community.slug}/threads",
        {
            "title": "Stuck on lab 2",
            "body": "The **loop** never ends.",
            "kind": "question",
        },
    )

    data = response.json()
    assert response.status_code == 201
    assert data["title"] == "Stuck on lab 2"
    assert data["opening_post"]["number"] == 1
    assert data["opening_post"]["body"] == "The **loop** never ends."
    assert "<strong>loop</strong>" in data["opening_post"]["body_html"]
    assert Thread.objects.get(pk=data["id"]).author == student


def test_starting_a_thread_in_a_category(student, community):
    Category.objects.create(community=community, name="Labs", slug="labs")

    response = send(
        signed_in(student),
        "POST",
        f"/communities/{community.slug}/threads",
        {"title": "T", "body": "B", "category": "labs"},
    )

    assert response.status_code == 201
    assert response.json()["category"]["slug"] == "labs"


def test_student_cannot_post_announcements(student, community):
    response = send(
        signed_in(student),
        "POST",
        f"/communities/{community.slug}/threads",
        {"title": "Hear ye", "body": "B", "kind": "announcement"},
    )

    assert response.status_code == 403


def test_outsider_cannot_start_thread_in_public_community(outsider, public_community):
    response = send(
        signed_in(outsider),
        "POST",
        f"/communities/{public_community.slug}/threads",
        {"title": "T", "body": "B"},
    )

    assert response.status_code == 403


def test_missing_fields_are_listed(student, community):
    response = send(
        signed_in(student), "POST", f"/communities/{community.slug}/threads", {}
    )

    fields = response.json()["error"]["fields"]
    assert response.status_code == 422
    assert set(fields) == {"title", "body"}


def test_blank_title_and_body_give_service_messages(student, community):
    response = send(
        signed_in(student),
        "POST",
        f"/communities/{community.slug}/threads",
        {"title": " ", "body": " "},
    )

    fields = response.json()["error"]["fields"]
    assert fields["title"] == ["Give your post a title."]
    assert fields["body"] == ["Write something before posting."]


def test_thread_detail(student, thread, reply):
    response = get(signed_in(student), f"/threads/{thread.pk}")

    data = response.json()
    assert response.status_code == 200
    assert data["id"] == thread.pk
    assert data["reply_count"] == 1
    assert data["opening_post"]["author"]["is_you"] is True
    assert data["permissions"]["can_reply"] is True
    assert data["permissions"]["can_edit"] is True
    assert data["accepted_reply"] is None


def test_author_edits_title_and_body(student, thread):
    response = send(
        signed_in(student),
        "PATCH",
        f"/threads/{thread.pk}",
        {"title": "Better title", "body": "Better body"},
    )

    data = response.json()
    assert response.status_code == 200
    assert data["title"] == "Better title"
    assert data["opening_post"]["body"] == "Better body"
    assert data["opening_post"]["edited_at"] is not None


def test_editing_only_the_title_keeps_the_body(student, thread):
    response = send(
        signed_in(student),
        "PATCH",
        f"/threads/{thread.pk}",
        {"title": "Just the title"},
    )

    assert response.json()["title"] == "Just the title"
    assert response.json()["opening_post"]["body"] == "Some *context* for the question."


def test_peer_cannot_edit_someone_elses_thread(other_student, thread):
    response = send(
        signed_in(other_student),
        "PATCH",
        f"/threads/{thread.pk}",
        {"title": "Mine now"},
    )

    assert response.status_code == 403


def test_moderator_pins_a_thread(moderator, thread):
    response = send(
        signed_in(moderator), "PATCH", f"/threads/{thread.pk}", {"is_pinned": True}
    )

    assert response.status_code == 200
    assert response.json()["is_pinned"] is True


def test_author_deletes_a_thread(student, other_student, thread):
    response = send(signed_in(student), "DELETE", f"/threads/{thread.pk}")
    after = get(signed_in(other_student), f"/threads/{thread.pk}")

    assert response.status_code == 204
    assert response.content == b""
    assert after.status_code == 404


# --- replies ----------------------------------------------------------------------


def test_replies_are_listed_in_order(student, other_student, thread):
    first = discussions.create_reply(other_student, thread, body="one")
    second = discussions.create_reply(student, thread, body="two", reply_to=first)

    response = get(signed_in(student), f"/threads/{thread.pk}/replies")

    items = response.json()["items"]
    assert response.status_code == 200
    assert [r["id"] for r in items] == [first.pk, second.pk]
    assert [r["number"] for r in items] == [2, 3]
    assert items[1]["reply_to"]["id"] == first.pk
    assert items[1]["reply_to"]["number"] == 2
    assert response.json()["next_cursor"] is None


def test_student_replies(other_student, thread, reply):
    response = send(
        signed_in(other_student),
        "POST",
        f"/threads/{thread.pk}/replies",
        {"body": "Also *this*", "reply_to": reply.pk},
    )

    data = response.json()
    assert response.status_code == 201
    assert data["number"] == 3
    assert data["reply_to"]["id"] == reply.pk
    assert "<em>this</em>" in data["body_html"]
    assert Post.objects.filter(thread=thread).count() == 3


def test_reply_to_a_post_of_another_thread_is_422(student, community, thread):
    other = make_thread(student, community)
    foreign = Post.objects.get(thread=other, number=1)

    response = send(
        signed_in(student),
        "POST",
        f"/threads/{thread.pk}/replies",
        {"body": "Hi", "reply_to": foreign.pk},
    )

    assert response.status_code == 422
    assert "reply_to" in response.json()["error"]["fields"]


def test_reply_detail(student, reply):
    response = get(signed_in(student), f"/replies/{reply.pk}")

    data = response.json()
    assert response.status_code == 200
    assert data["number"] == 2
    assert data["body"] == "Try the *first* lab."
    assert data["permissions"]["can_react"] is True


def test_author_edits_a_reply(other_student, reply):
    response = send(
        signed_in(other_student), "PATCH", f"/replies/{reply.pk}", {"body": "Edited"}
    )

    assert response.status_code == 200
    assert response.json()["body"] == "Edited"


def test_author_deletes_a_reply(student, other_student, thread, reply):
    response = send(signed_in(other_student), "DELETE", f"/replies/{reply.pk}")
    listed = get(signed_in(student), f"/threads/{thread.pk}/replies").json()["items"]

    assert response.status_code == 204
    assert listed[0]["is_deleted"] is True
    assert listed[0]["body"] == ""
    assert listed[0]["body_html"] == ""


def test_moderator_still_reads_a_deleted_reply(moderator, other_student, thread, reply):
    discussions.delete_post(other_student, reply)

    response = get(signed_in(moderator), f"/threads/{thread.pk}/replies")

    assert response.json()["items"][0]["body"] == "Try the *first* lab."


# --- answers, endorsements, reactions ---------------------------------------------


def test_asker_accepts_and_clears_an_answer(student, thread, reply):
    client = signed_in(student)

    accepted = send(client, "POST", f"/replies/{reply.pk}/accept")
    cleared = send(client, "DELETE", f"/threads/{thread.pk}/accepted")

    assert accepted.status_code == 200
    assert accepted.json()["accepted_reply_id"] == reply.pk
    assert accepted.json()["accepted_reply"]["id"] == reply.pk
    assert accepted.json()["is_answered"] is True
    assert cleared.status_code == 200
    assert cleared.json()["accepted_reply"] is None


def test_peer_cannot_accept_an_answer(other_student, reply):
    response = send(signed_in(other_student), "POST", f"/replies/{reply.pk}/accept")

    assert response.status_code == 403


def test_opening_post_cannot_be_accepted(student, thread):
    opening = Post.objects.get(thread=thread, number=1)

    response = send(signed_in(student), "POST", f"/replies/{opening.pk}/accept")

    assert response.status_code == 403


def test_instructor_endorses_and_withdraws(instructor, reply):
    client = signed_in(instructor)

    endorsed = send(client, "POST", f"/replies/{reply.pk}/endorsement")
    withdrawn = send(client, "DELETE", f"/replies/{reply.pk}/endorsement")

    assert endorsed.status_code == 200
    assert endorsed.json()["is_endorsed"] is True
    assert withdrawn.json()["is_endorsed"] is False


def test_student_cannot_endorse(student, reply):
    response = send(signed_in(student), "POST", f"/replies/{reply.pk}/endorsement")

    assert response.status_code == 403


def test_reactions_are_idempotent(student, reply):
    client = signed_in(student)
    path = f"/replies/{reply.pk}/reactions/thanks"

    send(client, "PUT", path)
    twice = send(client, "PUT", path)

    thanks = next(r for r in twice.json()["reactions"] if r["kind"] == "thanks")
    assert twice.status_code == 200
    assert thanks == {"kind": "thanks", "count": 1, "is_mine": True}
    assert Reaction.objects.filter(post=reply, user=student).count() == 1


def test_removing_a_reaction_is_idempotent(student, reply):
    client = signed_in(student)
    path = f"/replies/{reply.pk}/reactions/plus_one"
    send(client, "PUT", path)

    send(client, "DELETE", path)
    twice = send(client, "DELETE", path)

    assert twice.status_code == 200
    assert not Reaction.objects.filter(post=reply).exists()


def test_unknown_reaction_kind_is_422(student, reply):
    response = send(signed_in(student), "PUT", f"/replies/{reply.pk}/reactions/love")

    assert response.status_code == 422
    assert error_code(response) == "validation_error"


def test_reacting_to_own_reply_is_refused(other_student, reply):
    response = send(
        signed_in(other_student), "PUT", f"/replies/{reply.pk}/reactions/thanks"
    )

    assert response.status_code == 403
