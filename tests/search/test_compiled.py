"""A search query compiled for one viewer is never answered for another.

Search compiles its ranked-candidates query once per viewer's access (see
`policy.documents_fingerprint`) and filters, then runs it with the typed words
only. Each test warms the compiled query with a person who may see the content,
then searches the same words as one who may not, or as the same person after
their access changed, and checks the count as well as the hits: the count
comes from the compiled query itself, before the page is loaded through the
policy again, so it would show a leak the hits hide.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities import services as communities
from studyhall.communities.models import Community, Membership
from studyhall.core import sql
from studyhall.discussions.services import set_post_hidden
from studyhall.groups.models import GroupMembership
from studyhall.profiles import services as profiles
from studyhall.profiles.services import network
from studyhall.search import selectors
from studyhall.search.selectors import Filters
from tests.discussions.helpers import answer, ask
from tests.factories import CommunityFactory, UserFactory, make_group, make_member
from tests.profiles.conftest import profile_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_compiled_queries():
    sql.forget_rows()
    yield
    sql.forget_rows()


def again(person: User) -> User:
    """The same person as a new request loads them: nothing of theirs cached."""
    return User.objects.get(pk=person.pk)


def total(person: Any, text: str = "", **filters: Any) -> int:
    return selectors.search(person, Filters(text=text, **filters), size=100).total


def found(person: Any, text: str = "", **filters: Any) -> list[tuple[str, int]]:
    page = selectors.search(person, Filters(text=text, **filters), size=100)
    return [(hit.kind, hit.object_id) for hit in page.items]


def test_a_viewer_s_next_search_runs_the_compiled_query(committed, community, student):
    with committed():
        thread = ask(student, community, title="Quokka census", body="wombat tally")
    assert found(again(student), "quokka") == [("thread", thread.pk)]

    with mock.patch.object(
        selectors, "candidates", side_effect=selectors.candidates
    ) as built:
        assert found(again(student), "wombat") == [("thread", thread.pk)]
        assert found(again(student), "quokka wombat") == [("thread", thread.pk)]
        assert found(again(student), "nothing") == []
        assert built.call_count == 0
        # Other filters are another query, compiled once.
        assert found(again(student), "quokka", kind="thread") == [("thread", thread.pk)]
        assert found(again(student), "wombat", kind="thread") == [("thread", thread.pk)]
        assert built.call_count == 1


def test_the_key_differs_for_every_difference_in_access(community, student):
    other = make_member(community, "student")
    moderator = make_member(community, "moderator")
    keys = {
        policy.documents_fingerprint(person)
        for person in (student, other, moderator, UserFactory(), None)
    }

    assert len(keys) == 5
    assert policy.documents_fingerprint(again(student)) == (
        policy.documents_fingerprint(student)
    )


def test_private_community_is_not_found_by_outsiders_after_a_member(
    committed, community, student, outsider, anonymous
):
    with committed():
        ask(student, community, title="Xylophonic resonance", body="secret phrase")
    assert total(again(student), "xylophonic") == 1
    assert total(again(student), '"secret phrase"') == 1

    for person in (again(outsider), anonymous):
        assert total(person, "xylophonic") == 0
        assert total(person, '"secret phrase"') == 0


def test_hidden_group_is_not_found_by_others_after_its_member(
    committed, community, student, other_student, moderator
):
    with committed():
        hidden = make_group(
            student, community, name="Capybara circle", visibility="hidden"
        )
        shown = make_group(student, community, name="Capybara open night")
    assert total(again(student), "capybara") == 2
    assert total(again(student), "capybara", kind="group") == 2

    assert found(again(other_student), "capybara") == [("group", shown.pk)]
    assert total(again(other_student), "capybara") == 1
    assert total(again(moderator), "capybara circle") == 0
    assert total(again(other_student), "capybara", kind="group") == 1
    assert hidden.pk != shown.pk


def test_leaving_a_hidden_group_hides_it_from_the_same_person(
    committed, community, student, other_student
):
    with committed():
        hidden = make_group(
            student, community, name="Capybara circle", visibility="hidden"
        )
    GroupMembership.objects.create(
        group=hidden,
        user=other_student,
        role=GroupMembership.Role.MEMBER,
        status=GroupMembership.Status.ACTIVE,
    )
    assert total(again(other_student), "capybara") == 1

    GroupMembership.objects.filter(group=hidden, user=other_student).delete()

    assert total(again(other_student), "capybara") == 0


def test_hidden_post_is_not_found_by_peers_after_its_author(
    committed, community, student, other_student, moderator
):
    with committed():
        thread = ask(student, community, title="Ferret lemma", body="quibbling")
    with committed():
        set_post_hidden(None, thread.posts.get(number=1), hidden=True)
    assert total(again(student), "ferret") == 1
    assert total(again(moderator), "ferret") == 1

    assert total(again(other_student), "ferret") == 0
    assert total(UserFactory(), "ferret") == 0


def test_a_post_hidden_later_is_not_found_by_the_compiled_query(
    committed, community, student, other_student
):
    with committed():
        thread = ask(student, community, title="Ferret lemma", body="quibbling")
    assert total(again(other_student), "ferret") == 1

    with committed():
        set_post_hidden(None, thread.posts.get(number=1), hidden=True)

    assert total(again(other_student), "ferret") == 0
    assert total(again(student), "ferret") == 1


def test_anonymous_author_is_not_found_by_name_for_peers_after_staff(committed):
    seminar = CommunityFactory(anonymity=Community.Anonymity.ANONYMOUS_TO_PEERS)
    shy = make_member(seminar, "student", display_name="Quentin Shyperson")
    peer = make_member(seminar, "student")
    staff = make_member(seminar, "moderator")
    with committed():
        ask(shy, seminar, title="Viva nerves", body="zygomorphic", is_anonymous=True)
    assert total(again(staff), "zygomorphic", author=shy) == 1
    assert total(again(shy), "zygomorphic", author=shy) == 1

    assert total(again(peer), "zygomorphic", author=shy) == 0
    assert total(again(peer), "zygomorphic") == 1
    assert total(again(peer), "Shyperson") == 0


def test_blocked_person_no_longer_finds_a_profile(
    committed, community, student, other_student
):
    with committed():
        profiles.update_profile(student, **profile_data(headline="Okapi researcher"))
    assert found(again(other_student), "okapi") == [("person", student.pk)]

    with committed():
        network.block_person(student, other_student)

    assert total(again(other_student), "okapi") == 0
    assert total(again(other_student), student.display_name) == 0


def test_after_leaving_or_a_ban_a_private_community_is_not_found(
    committed, community, student, other_student
):
    with committed():
        ask(student, community, title="Pangolin survey", body="scales")
    assert total(again(student), "pangolin") == 1
    assert total(again(other_student), "pangolin") == 1

    communities.leave_community(student, community)
    Membership.objects.filter(user=other_student).update(banned_at=timezone.now())

    assert total(again(student), "pangolin") == 0
    assert total(again(other_student), "pangolin") == 0


def test_a_page_of_hits_is_loaded_for_its_own_viewer(
    committed, community, student, other_student, moderator
):
    from studyhall.search.kinds import discussions

    with committed():
        thread = ask(student, community, title="Ferret lemma", body="quibbling")
        reply = answer(other_student, thread, body="A ferret reply")
    with committed():
        set_post_hidden(None, thread.posts.get(number=1), hidden=True)
        set_post_hidden(None, reply, hidden=True)
    ids = list(range(thread.pk, thread.pk + 12))
    assert list(discussions.show_threads(again(moderator), [thread.pk])) == [thread.pk]
    assert list(discussions.show_replies(again(moderator), [reply.pk])) == [reply.pk]
    assert list(discussions.show_threads(again(moderator), ids)) == [thread.pk]

    peer = make_member(community, "student")
    assert discussions.show_threads(again(peer), [thread.pk]) == {}
    assert discussions.show_replies(again(peer), [reply.pk]) == {}
    assert discussions.show_threads(again(peer), ids) == {}
    assert list(discussions.show_threads(again(student), ids)) == [thread.pk]
