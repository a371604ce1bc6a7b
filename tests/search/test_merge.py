"""Moderators merge a duplicate thread into another."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from studyhall.discussions import services as discussions
from studyhall.discussions.models import Post, Thread
from studyhall.search.models import ThreadMerge
from studyhall.search.services import merge_thread
from tests.discussions.helpers import answer, ask
from tests.factories import CommunityFactory, make_member
from tests.search.conftest import found

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(committed, community, student, other_student, mentor):
    with committed():
        original = ask(student, community, title="How do I invert a matrix?")
        answer(mentor, original, body="Use solve.")
        duplicate = ask(other_student, community, title="Matrix inversion help")
        first = answer(mentor, duplicate, body="Try LU decomposition.")
        second = answer(student, duplicate, body="Thanks, cholesky worked.")
    return original, duplicate, first, second


def test_merge_moves_replies_to_the_end_and_leaves_a_pointer(
    committed, pair, moderator
):
    original, duplicate, first, second = pair

    with committed():
        merge = merge_thread(moderator, duplicate, into=original)

    first.refresh_from_db()
    second.refresh_from_db()
    original.refresh_from_db()
    duplicate.refresh_from_db()
    assert (first.thread_id, first.number) == (original.pk, 3)
    assert (second.thread_id, second.number) == (original.pk, 4)
    assert (original.last_post_number, original.reply_count) == (4, 3)
    pointer = Post.objects.get(thread=duplicate, number=2)
    assert f"/t/{original.pk}/" in pointer.body
    assert (duplicate.last_post_number, duplicate.reply_count) == (2, 1)
    assert merge.moved_count == 2
    assert ThreadMerge.objects.get(thread=duplicate).into == original


def test_merged_replies_are_found_under_the_new_thread(committed, pair, moderator):
    original, duplicate, first, _ = pair

    with committed():
        merge_thread(moderator, duplicate, into=original)

    from studyhall.search.models import Document

    assert found(moderator, "decomposition") == [("reply", first.pk)]
    assert (
        Document.objects.get(kind="reply", object_id=first.pk).thread_id == original.pk
    )


def test_merge_moves_the_accepted_answer_and_clears_it(
    committed, pair, moderator, other_student
):
    original, duplicate, first, _ = pair
    discussions.accept_answer(other_student, first)

    merge_thread(moderator, duplicate, into=original)

    assert Thread.objects.get(pk=duplicate.pk).accepted_post_id is None


def test_students_cannot_merge(pair, student):
    original, duplicate, *_ = pair

    with pytest.raises(PermissionDenied):
        merge_thread(student, duplicate, into=original)


def test_cannot_merge_into_itself_or_another_community(pair, moderator, community):
    _, duplicate, *_ = pair
    elsewhere = CommunityFactory()
    asker = make_member(elsewhere, "student")
    make_member(elsewhere, "moderator")
    foreign = ask(asker, elsewhere)

    with pytest.raises(ValidationError):
        merge_thread(moderator, duplicate, into=duplicate)
    with pytest.raises(ValidationError):
        merge_thread(moderator, duplicate, into=foreign)


def test_cannot_merge_twice_or_into_a_merged_thread(
    pair, moderator, student, community
):
    original, duplicate, *_ = pair
    third = ask(student, community, title="Third copy")
    merge_thread(moderator, duplicate, into=original)

    with pytest.raises(ValidationError):
        merge_thread(moderator, duplicate, into=third)
    with pytest.raises(ValidationError):
        merge_thread(moderator, third, into=duplicate)


def test_merge_page_merges_and_redirects(client, pair, moderator):
    original, duplicate, first, _ = pair
    client.force_login(moderator)

    page = client.get(f"/search/merge/{duplicate.pk}/")
    response = client.post(
        f"/search/merge/{duplicate.pk}/", {"into": f"/t/{original.pk}/"}
    )

    assert page.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == f"/t/{original.pk}/"
    first.refresh_from_db()
    assert first.thread_id == original.pk


def test_merge_page_keeps_bad_input_with_a_message(client, pair, moderator):
    _, duplicate, *_ = pair
    client.force_login(moderator)

    bad = client.post(f"/search/merge/{duplicate.pk}/", {"into": "not a thread"})
    missing = client.post(f"/search/merge/{duplicate.pk}/", {"into": "99999999"})

    assert bad.status_code == 400
    assert "not a thread" in bad.content.decode()
    assert "Give a thread number" in bad.content.decode()
    assert missing.status_code == 400
    assert "no such thread" in missing.content.decode()


def test_merge_page_is_forbidden_to_students(client, pair, student):
    _, duplicate, *_ = pair
    client.force_login(student)

    assert client.get(f"/search/merge/{duplicate.pk}/").status_code == 403
