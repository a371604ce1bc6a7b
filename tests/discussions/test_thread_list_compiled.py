"""The thread list's queries are compiled once per viewer's snapshot, filter,
sort and page, then run with new values: they must always answer for this
community, this category and this viewer's access now."""

from __future__ import annotations

import pytest
from django.test import override_settings

from studyhall.accounts.models import User
from studyhall.communities.models import Community, Membership
from studyhall.discussions import selectors
from studyhall.discussions.models import Thread
from tests.discussions.helpers import ask
from tests.factories import CategoryFactory, CommunityFactory, make_member

pytestmark = pytest.mark.django_db


def _titles(user, community, **kw) -> list[str]:
    user = User.objects.get(pk=user.pk) if user.is_authenticated else user
    page = selectors.thread_list(user, community, **kw)
    return [row.thread.title for row in page.items]


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # a new request: a new policy snapshot


def test_each_community_and_category_gets_its_own_threads():
    first = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    second = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    reader = make_member(first, "student")
    Membership.objects.create(community=second, user=reader, role="student")
    writer = make_member(first, "student")
    Membership.objects.create(community=second, user=writer, role="student")
    maths, physics = CategoryFactory(community=first), CategoryFactory(community=first)
    ask(writer, first, title="Eigenvalues", category=maths)
    ask(writer, first, title="Momentum", category=physics)
    ask(writer, second, title="Sonnets")

    assert set(_titles(reader, first)) == {"Eigenvalues", "Momentum"}
    assert _titles(reader, second) == ["Sonnets"]
    assert _titles(reader, first, category=maths) == ["Eigenvalues"]
    assert _titles(reader, first, category=physics) == ["Momentum"]
    assert _titles(reader, first, filter="discussions") == []


def test_a_compiled_list_never_answers_for_another_viewer_or_old_access():
    community = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    author = make_member(community, "student")
    peer = make_member(community, "student")
    ask(author, community, title="Open question")
    hidden = ask(author, community, title="Hidden question")
    Thread.objects.filter(pk=hidden.pk).update(is_hidden=True)

    assert set(_titles(author, community)) == {"Open question", "Hidden question"}
    assert _titles(peer, community) == ["Open question"]

    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    make_member(private, "owner")
    member = make_member(private, "student")
    ask(member, private, title="Members only")
    assert _titles(member, private) == ["Members only"]
    Membership.objects.filter(community=private, user=member).delete()
    member = _fresh(member)
    assert selectors.thread_list(member, private).total == 0


@override_settings(PAGE_SIZE=2)
def test_pages_and_counts_follow_the_data():
    community = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    writer = make_member(community, "student")
    for n in range(5):
        ask(writer, community, title=f"Question {n}")

    first = selectors.thread_list(writer, community, sort="new", page=1)
    last = selectors.thread_list(writer, community, sort="new", page=9)

    assert (first.total, first.page_count, last.number) == (5, 3, 3)
    assert [r.thread.title for r in first.items] == ["Question 4", "Question 3"]
    assert [r.thread.title for r in last.items] == ["Question 0"]
    ask(writer, community, title="Question 5")
    again = selectors.thread_list(_fresh(writer), community, sort="new", page=1)
    assert again.total == 6
    assert [r.thread.title for r in again.items] == ["Question 5", "Question 4"]
