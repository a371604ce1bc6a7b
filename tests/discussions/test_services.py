"""Discussion services: threads, replies, answers, endorsements, reactions, drafts."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from studyhall.communities.models import Community
from studyhall.discussions import services
from studyhall.discussions.models import Draft, Post, Reaction, ReadMark, Thread
from studyhall.realtime.models import Event
from tests.discussions.helpers import answer, ask
from tests.factories import CategoryFactory, CommunityFactory

pytestmark = pytest.mark.django_db


def test_asking_creates_thread_with_opening_post_and_event(
    community, student, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        thread = ask(student, community, body="What is $x^2$?")

    opening = thread.posts.get()
    assert opening.number == 1
    assert "<math" in opening.body_html
    community.refresh_from_db()
    assert community.thread_count == 1
    event = Event.objects.get(stream=f"community.{community.pk}")
    assert event.type == "thread.created"
    assert json.loads(json.dumps(event.payload)) == {
        "thread": thread.pk,
        "kind": "question",
    }
    assert len(callbacks) == 1


def test_reply_gets_next_number_and_moves_counters(community, student, mentor):
    thread = ask(student, community)

    first = answer(mentor, thread)
    second = answer(student, thread, reply_to=first)

    thread.refresh_from_db()
    assert (first.number, second.number) == (2, 3)
    assert thread.reply_count == 2
    assert thread.last_post_number == 3
    assert second.reply_to == first
    events = list(
        Event.objects.filter(stream=f"thread.{thread.pk}").values_list(
            "sequence", "type"
        )
    )
    assert events == [(1, "reply.created"), (2, "reply.created")]


def test_title_and_body_limits_give_clear_messages(community, student):
    with pytest.raises(ValidationError) as empty:
        services.create_thread(student, community, title="  ", body="")
    with pytest.raises(ValidationError) as long:
        services.create_thread(student, community, title="x" * 201, body="y" * 50_001)

    assert set(empty.value.message_dict) == {"title", "body"}
    assert "at most 200 characters" in long.value.message_dict["title"][0]
    assert "50,000" in long.value.message_dict["body"][0]
    assert not Thread.objects.exists()


def test_outsider_cannot_post_or_reply(community, student, outsider):
    thread = ask(student, community)

    with pytest.raises(PermissionDenied):
        ask(outsider, community)
    with pytest.raises(PermissionDenied):
        answer(outsider, thread)


def test_students_cannot_announce_or_pin(community, student, instructor):
    with pytest.raises(PermissionDenied):
        ask(student, community, kind=Thread.Kind.ANNOUNCEMENT)
    with pytest.raises(PermissionDenied):
        ask(student, community, is_pinned=True)

    announcement = ask(
        instructor, community, kind=Thread.Kind.ANNOUNCEMENT, is_pinned=True
    )

    assert announcement.is_pinned


def test_unknown_kind_and_foreign_category_are_rejected(community, student):
    other = CategoryFactory(community=CommunityFactory())

    with pytest.raises(ValidationError):
        ask(student, community, kind="poll")
    with pytest.raises(ValidationError):
        ask(student, community, category=other)


def test_anonymous_posting_only_where_allowed(community, student):
    with pytest.raises(ValidationError):
        ask(student, community, is_anonymous=True)
    community.anonymity = Community.Anonymity.ANONYMOUS_TO_PEERS
    community.save()

    thread = ask(student, community, is_anonymous=True)
    reply = answer(student, thread, is_anonymous=True)

    assert thread.is_anonymous and reply.is_anonymous


def test_anonymous_reply_rejected_in_named_community(community, student, mentor):
    thread = ask(student, community)

    with pytest.raises(ValidationError):
        answer(student, thread, is_anonymous=True)


def test_reply_to_must_be_in_the_same_thread(community, student, mentor):
    first = ask(student, community)
    second = ask(student, community, title="Another")
    elsewhere = answer(mentor, second)

    with pytest.raises(ValidationError):
        answer(mentor, first, reply_to=elsewhere)


def test_editing_keeps_history_and_changes_title(community, student):
    thread = ask(student, community, title="Old title", body="old body")
    opening = thread.posts.get()

    services.edit_post(student, opening, body="new body", title="New title")

    opening.refresh_from_db()
    thread.refresh_from_db()
    assert opening.body == "new body" and opening.edited_at is not None
    assert thread.title == "New title"
    revision = opening.revisions.get()
    assert (revision.title, revision.body) == ("Old title", "old body")


def test_editing_without_change_makes_no_revision(community, student):
    opening = ask(student, community, body="same").posts.get()

    services.edit_post(student, opening, body="same")

    assert not opening.revisions.exists()


def test_others_cannot_edit_or_delete(community, student, mentor):
    opening = ask(student, community).posts.get()

    with pytest.raises(PermissionDenied):
        services.edit_post(mentor, opening, body="mine now")
    with pytest.raises(PermissionDenied):
        services.delete_post(mentor, opening)


def test_deleting_a_reply_is_soft_and_clears_acceptance(
    community, student, mentor, instructor
):
    thread = ask(student, community)
    reply = answer(mentor, thread)
    services.accept_answer(student, reply)
    services.endorse_post(instructor, reply)

    services.delete_post(mentor, reply)

    thread.refresh_from_db()
    assert Post.objects.get(pk=reply.pk).is_deleted
    assert thread.accepted_post is None
    assert thread.reply_count == 0
    assert not thread.has_endorsed_reply


def test_moderator_deleting_opening_post_deletes_thread(community, student, moderator):
    thread = ask(student, community)

    services.delete_post(moderator, thread.posts.get())

    thread.refresh_from_db()
    community.refresh_from_db()
    assert thread.is_deleted
    assert community.thread_count == 0


def test_accepting_another_answer_replaces_the_first(
    community, student, mentor, other_student
):
    thread = ask(student, community)
    first = answer(mentor, thread)
    second = answer(other_student, thread)

    services.accept_answer(student, first)
    services.accept_answer(student, second)

    thread.refresh_from_db()
    assert thread.accepted_post == second
    services.unaccept_answer(student, thread)
    thread.refresh_from_db()
    assert thread.accepted_post is None


def test_only_asker_accepts(community, student, mentor, other_student):
    thread = ask(student, community)
    reply = answer(mentor, thread)

    with pytest.raises(PermissionDenied):
        services.accept_answer(other_student, reply)
    with pytest.raises(PermissionDenied):
        services.unaccept_answer(other_student, thread)


def test_instructor_endorses_and_withdraws(community, student, mentor, instructor):
    thread = ask(student, community)
    reply = answer(mentor, thread)

    services.endorse_post(instructor, reply)
    thread.refresh_from_db()
    assert thread.has_endorsed_reply
    services.endorse_post(instructor, reply, endorse=False)

    thread.refresh_from_db()
    reply.refresh_from_db()
    assert not thread.has_endorsed_reply and reply.endorsed_by is None
    with pytest.raises(PermissionDenied):
        services.endorse_post(student, reply)


def test_reactions_toggle_one_of_each_kind(community, student, mentor):
    reply = answer(mentor, ask(student, community))

    assert services.toggle_reaction(student, reply, kind="thanks") is True
    assert services.toggle_reaction(student, reply, kind="insightful") is True
    assert services.toggle_reaction(student, reply, kind="thanks") is False

    assert list(Reaction.objects.values_list("kind", flat=True)) == ["insightful"]
    assert Thread.objects.get(pk=reply.thread_id).reaction_count == 1
    with pytest.raises(ValidationError):
        services.toggle_reaction(student, reply, kind="love")
    with pytest.raises(PermissionDenied):
        services.toggle_reaction(mentor, reply, kind="thanks")


def test_pinning_is_for_staff(community, student, moderator):
    thread = ask(student, community)

    services.set_pinned(moderator, thread, pinned=True)

    assert Thread.objects.get(pk=thread.pk).is_pinned
    services.set_pinned(moderator, thread, pinned=False)
    assert not Thread.objects.get(pk=thread.pk).is_pinned
    with pytest.raises(PermissionDenied):
        services.set_pinned(student, thread, pinned=True)


def test_read_marks_never_go_backwards(community, student, mentor):
    thread = ask(mentor, community)
    for _ in range(3):
        answer(mentor, thread)

    services.mark_read(student, thread, number=3)
    services.mark_read(student, thread, number=2)
    services.mark_read(student, thread, number=99)

    assert ReadMark.objects.get(user=student, thread=thread).last_read_number == 4


def test_drafts_are_saved_replaced_and_cleared_by_posting(community, student):
    key = f"thread:{community.pk}"
    services.save_draft(student, key=key, title="Half a", body="thought")
    services.save_draft(student, key=key, title="Half a", body="thought, more")

    assert Draft.objects.get(user=student, key=key).body == "thought, more"
    ask(student, community)
    assert not Draft.objects.filter(user=student, key=key).exists()


def test_empty_draft_is_dropped_and_bad_keys_404(community, student):
    services.save_draft(student, key="reply:1", body="x")
    services.save_draft(student, key="reply:1", body="  ")

    assert not Draft.objects.exists()
    with pytest.raises(Http404):
        services.save_draft(student, key="../../etc", body="x")
    services.save_draft(student, key="edit:5", body="y")
    services.discard_draft(student, key="edit:5")
    assert not Draft.objects.exists()


def test_mentions_link_to_existing_members_only(community, student, mentor):
    thread = ask(student, community, body=f"Thanks @{mentor.handle} and @nobody-here")

    html = thread.posts.get().body_html

    assert f'href="/accounts/people/id/{mentor.pk}/"' in html
    assert "@nobody-here" in html and "nobody-here/" not in html


def test_categories_are_created_by_teaching_staff(community, instructor, student):
    category = services.create_category(instructor, community, name="Exam prep")

    assert category.slug == "exam-prep"
    with pytest.raises(ValidationError):
        services.create_category(instructor, community, name="Exam Prep")
    with pytest.raises(ValidationError):
        services.create_category(instructor, community, name=" ")
    with pytest.raises(PermissionDenied):
        services.create_category(student, community, name="Mine")


def test_deleting_a_reply_takes_its_reactions_out_of_the_count(
    community, student, mentor
):
    reply = answer(mentor, ask(student, community))
    services.toggle_reaction(student, reply, kind="thanks")

    services.delete_post(mentor, reply)

    assert Thread.objects.get(pk=reply.thread_id).reaction_count == 0


def test_non_latin_category_names_get_their_own_slugs(community, instructor):
    first = services.create_category(instructor, community, name="Экзамены")
    second = services.create_category(instructor, community, name="試験")

    assert first.slug != second.slug


def test_people_with_posts_cannot_be_deleted_out_from_under_a_thread(
    community, student, mentor
):
    from django.db.models import ProtectedError

    thread = ask(student, community)
    answer(mentor, thread)

    with pytest.raises(ProtectedError):
        student.delete()


def test_mentions_link_only_members_of_the_post_community(community, student, outsider):
    thread = ask(student, community, body=f"Hello @{outsider.handle}")

    assert 'class="mention"' not in thread.posts.get().body_html


def test_preview_links_mentions_only_inside_a_visible_composer(
    community, student, mentor, outsider
):
    body = f"@{mentor.handle} and @{student.handle}"
    thread = ask(student, community)

    inside = services.preview(student, body, key=f"reply:{thread.pk}")
    stranger = services.preview(outsider, body, key=f"reply:{thread.pk}")
    no_key = services.preview(student, body)
    by_edit = services.preview(student, body, key=f"edit:{thread.posts.get().pk}")
    by_thread = services.preview(student, body, key=f"thread:{community.pk}")

    assert inside.count('class="mention"') == 2
    assert by_edit == by_thread == inside
    assert 'class="mention"' not in stranger and 'class="mention"' not in no_key
