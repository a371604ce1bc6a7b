"""Search never shows private, deleted or anonymously written content to the wrong
person: tried by title words, quoted text and the author's name."""

from __future__ import annotations

import pytest

from studyhall.communities.models import Community
from studyhall.discussions import services
from studyhall.search import selectors
from studyhall.search.selectors import Filters
from tests.discussions.helpers import answer, ask
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.search.conftest import found

pytestmark = pytest.mark.django_db

SHY = "Quentin Shyperson"


@pytest.fixture
def seminar():
    return CommunityFactory(
        name="Closed Seminar", anonymity=Community.Anonymity.ANONYMOUS_TO_PEERS
    )


@pytest.fixture
def shy(seminar):
    return make_member(seminar, "student", display_name=SHY, handle="quentin")


@pytest.fixture
def peer(seminar):
    return make_member(seminar, "student")


@pytest.fixture
def staff(seminar):
    return make_member(seminar, "moderator")


@pytest.fixture
def anon_thread(committed, seminar, shy):
    with committed():
        return ask(
            shy,
            seminar,
            title="Worried about the viva",
            body="I keep forgetting the zygomorphic proof.",
            is_anonymous=True,
        )


def test_outsider_cannot_find_a_private_thread_by_title_or_quote(
    committed, seminar, peer, outsider, anonymous
):
    with committed():
        ask(peer, seminar, title="Xylophonic resonance", body="a secret phrase here")

    for person in (outsider, anonymous):
        assert found(person, "xylophonic") == []
        assert found(person, '"secret phrase"') == []


def test_member_finds_a_private_thread(committed, seminar, peer):
    with committed():
        thread = ask(peer, seminar, title="Xylophonic resonance")

    assert found(peer, "xylophonic") == [("thread", thread.pk)]


def test_a_public_community_thread_is_found_by_visitors(committed, anonymous):
    public = CommunityFactory(visibility="public")
    asker = make_member(public, "student")
    with committed():
        thread = ask(asker, public, title="Open lecture notes")

    assert found(anonymous, "lecture") == [("thread", thread.pk)]


def test_peer_cannot_find_anonymous_post_by_author_name(anon_thread, peer, shy):
    assert found(peer, "zygomorphic") == [("thread", anon_thread.pk)]
    assert found(peer, SHY) == []
    assert found(peer, "Shyperson") == []
    assert found(peer, "", author=shy) == []
    assert found(peer, "zygomorphic", author=shy) == []


def test_anonymous_hit_shows_anonymous_to_peers(anon_thread, peer):
    page = selectors.search(peer, Filters(text="viva"))

    assert page.items[0].author.name == "Anonymous"
    assert SHY not in str(page.items[0].snippet_html)


def test_staff_and_the_author_find_anonymous_post_by_author(anon_thread, staff, shy):
    assert found(staff, "", author=shy) == [("thread", anon_thread.pk)]
    assert found(shy, "", author=shy) == [("thread", anon_thread.pk)]


def test_superuser_finds_anonymous_post_by_author(anon_thread, shy):
    admin = UserFactory(is_superuser=True)

    assert found(admin, "", author=shy) == [("thread", anon_thread.pk)]


def test_named_posts_are_found_by_author_for_peers(committed, seminar, shy, peer):
    with committed():
        thread = ask(shy, seminar, title="A named question")

    assert found(peer, "", author=shy) == [("thread", thread.pk)]


def test_anonymous_reply_is_not_found_by_author_for_peers(
    committed, seminar, shy, peer, staff
):
    with committed():
        thread = ask(peer, seminar, title="Open question")
        reply = answer(shy, thread, body="Quietly helpful", is_anonymous=True)

    assert found(peer, "quietly") == [("reply", reply.pk)]
    assert found(peer, "", author=shy) == []
    assert found(staff, "", author=shy) == [("reply", reply.pk)]


def test_deleted_posts_are_found_by_no_one(committed, seminar, peer, staff):
    with committed():
        thread = ask(peer, seminar, title="Regrettable wording")
        reply = answer(peer, thread, body="Embarrassing remark")
        services.delete_post(staff, reply)
        services.delete_post(peer, thread.posts.get(number=1))

    for person in (peer, staff):
        assert found(person, "regrettable") == []
        assert found(person, "embarrassing") == []


def test_stale_index_entries_are_dropped_by_the_policy_check(committed, seminar, peer):
    with committed():
        thread = ask(peer, seminar, title="Stale entry")
    # Change the thread behind the index's back: the page must not show it.
    type(thread).objects.filter(pk=thread.pk).update(is_deleted=True)

    assert found(peer, "stale") == []


def test_snippets_escape_html_from_posts(committed, seminar, peer):
    with committed():
        ask(
            peer,
            seminar,
            title="<img src=x onerror=alert(1)> tag",
            body="Injected <script>alert('pwned')</script> payload",
        )

    hit = selectors.search(peer, Filters(text="payload alert")).items[0]

    assert "<script" not in hit.snippet_html
    assert "<img" not in hit.title_html
    assert "&lt;img" in hit.title_html
    assert "<mark>" in hit.snippet_html


def test_marked_html_escapes_and_balances_marks():
    from studyhall.search.query import START, STOP

    html = selectors.marked_html(f"a {START}<b>{STOP} c {STOP}{START}open")

    assert html == "a <mark>&lt;b&gt;</mark> c <mark>open</mark>"


def test_hidden_posts_are_found_only_by_their_author_and_moderators(
    committed, seminar, peer, staff
):
    from studyhall.discussions.services import set_post_hidden

    writer = make_member(seminar, "student")
    with committed():
        thread = ask(writer, seminar, title="Quibbling about the ferret lemma")
        answer(make_member(seminar, "student"), thread, body="The ferret lemma")
    with committed():
        set_post_hidden(None, thread.posts.get(number=1), hidden=True)
    for person in (writer, peer, staff):
        person.__dict__.pop("_policy_snapshot", None)

    assert found(peer, "ferret") == []
    assert selectors.search(peer, Filters(text="ferret")).total == 0
    assert ("thread", thread.pk) in found(writer, "ferret")
    assert ("thread", thread.pk) in found(staff, "ferret")

    with committed():
        set_post_hidden(None, thread.posts.get(number=1), hidden=False)

    assert ("thread", thread.pk) in found(peer, "ferret")
