"""Hidden study groups never surface in search for non-members: not as hits,
not in the count of results, not on the search page."""

from __future__ import annotations

import pytest

from studyhall.discussions.services import create_thread
from studyhall.groups import services
from studyhall.search import selectors
from studyhall.search.selectors import Filters
from tests.factories import make_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_thread(django_capture_on_commit_callbacks, student, community):
    with django_capture_on_commit_callbacks(execute=True):
        group = make_group(student, community, visibility="hidden", name="Quiet")
        thread = create_thread(
            student,
            community,
            title="Zanzibarian flashcards",
            body="Our shared plan for the quokkalogy exam.",
            category=group.board,
        )
    return group, thread


def _search(user, text):
    return selectors.search(user, Filters(text=text), size=50)


def test_non_members_do_not_find_or_count_hidden_group_threads(
    hidden_thread, other_student, instructor, outsider, anonymous
):
    for person in (other_student, instructor, outsider, anonymous):
        page = _search(person, "quokkalogy")

        assert page.items == []
        assert page.total == 0


def test_members_find_their_hidden_group_threads(hidden_thread, student):
    _group, thread = hidden_thread

    page = _search(student, "quokkalogy")

    assert [h.object_id for h in page.items] == [thread.pk]
    assert page.total == 1


def test_a_member_who_leaves_no_longer_finds_the_group_threads(
    hidden_thread, student, other_student
):
    group, _thread = hidden_thread
    services.invite_to_group(student, group, other_student)
    services.join_group(other_student, group)
    found_inside = _search(other_student, "Zanzibarian").total
    services.leave_group(other_student, group)

    assert found_inside == 1
    assert _search(other_student, "Zanzibarian").total == 0


def test_search_page_shows_no_trace_of_a_hidden_group(
    client, hidden_thread, other_student
):
    client.force_login(other_student)

    body = client.get("/search/", {"q": "quokkalogy"}).content.decode()

    assert "Zanzibarian" not in body
    assert "Quiet" not in body
    assert "1 result" not in body


def test_site_administrators_find_hidden_group_threads(hidden_thread):
    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)

    assert _search(admin, "quokkalogy").total == 1
