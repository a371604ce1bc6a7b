"""Anonymous posts never reveal their author to peers through the API."""

from __future__ import annotations

from typing import Any

import pytest

from studyhall.communities.models import Community
from studyhall.discussions import services as discussions
from tests.api.conftest import get, make_thread, signed_in

pytestmark = pytest.mark.django_db

ID_KEYS = {"user", "user_id", "author_id", "email", "id_of_author"}


@pytest.fixture
def anonymous_thread(community: Community, student: Any, other_student: Any) -> Any:
    community.anonymity = Community.Anonymity.ANONYMOUS_TO_PEERS
    community.save()
    thread = make_thread(student, community, title="A shy question", is_anonymous=True)
    discussions.create_reply(student, thread, body="More, still shy", is_anonymous=True)
    return thread


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        found = set(value)
        for item in value.values():
            found |= _keys(item)
        return found
    if isinstance(value, list):
        return set().union(*(_keys(item) for item in value)) if value else set()
    return set()


def _author_objects(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        found = [value["author"]] if "author" in value else []
        for item in value.values():
            found += _author_objects(item)
        return found
    if isinstance(value, list):
        return [a for item in value for a in _author_objects(item)]
    return []


def _peer_reads(client: Any, community: Community, thread: Any) -> list[Any]:
    opening_id = thread.posts.get(number=1).pk
    reply_id = thread.posts.get(number=2).pk
    return [
        get(client, f"/communities/{community.slug}/threads"),
        get(client, f"/threads/{thread.pk}"),
        get(client, f"/threads/{thread.pk}/replies"),
        get(client, f"/replies/{opening_id}"),
        get(client, f"/replies/{reply_id}"),
    ]


def test_peer_never_sees_who_wrote_an_anonymous_post(
    anonymous_thread, community, student, other_student
):
    responses = _peer_reads(signed_in(other_student), community, anonymous_thread)

    for response in responses:
        assert response.status_code == 200
        text = response.content.decode()
        assert student.display_name not in text
        assert student.handle not in text
        assert student.email not in text
        assert not (_keys(response.json()) & ID_KEYS)
        for author in _author_objects(response.json()):
            assert author == {
                "name": "Anonymous",
                "handle": None,
                "is_anonymous": True,
                "is_you": False,
                "role": None,
            }


def test_anonymous_reader_of_public_community_sees_no_author(
    anonymous_thread, community, student, client
):
    community.visibility = Community.Visibility.PUBLIC
    community.save()

    responses = _peer_reads(client, community, anonymous_thread)

    for response in responses:
        assert response.status_code == 200
        assert student.display_name not in response.content.decode()
        assert student.handle not in response.content.decode()


def test_instructor_sees_the_name_of_an_anonymous_author(
    anonymous_thread, community, student, instructor
):
    response = get(signed_in(instructor), f"/threads/{anonymous_thread.pk}")

    author = response.json()["author"]
    assert student.display_name in author["name"]
    assert author["handle"] == student.handle
    assert author["is_anonymous"] is True


def test_author_sees_their_own_anonymous_post_as_theirs(anonymous_thread, student):
    response = get(signed_in(student), f"/threads/{anonymous_thread.pk}/replies")

    author = response.json()["items"][0]["author"]
    assert author["is_you"] is True
    assert author["is_anonymous"] is True


def test_reply_to_an_anonymous_post_hides_its_author(
    anonymous_thread, community, student, other_student, mentor
):
    opening = anonymous_thread.posts.get(number=1)
    discussions.create_reply(
        other_student, anonymous_thread, body="answering you", reply_to=opening
    )

    response = get(signed_in(mentor), f"/threads/{anonymous_thread.pk}/replies")

    assert student.handle not in response.content.decode()
    assert response.json()["items"][1]["reply_to"]["author"]["name"] == "Anonymous"
