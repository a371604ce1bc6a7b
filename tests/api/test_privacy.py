"""Private communities answer 404 to outsiders on every route, as the pages do."""

from __future__ import annotations

import pytest
from django.test import Client

from studyhall.discussions import services as discussions
from tests.api.conftest import error_code, send, signed_in

pytestmark = pytest.mark.django_db

READS = [
    "/communities/{slug}",
    "/communities/{slug}/memberships",
    "/communities/{slug}/categories",
    "/communities/{slug}/threads",
    "/threads/{thread}",
    "/threads/{thread}/replies",
    "/replies/{opening}",
    "/replies/{reply}",
]

WRITES = [
    ("POST", "/communities/{slug}/threads", {"title": "T", "body": "B"}),
    ("POST", "/communities/{slug}/categories", {"name": "C"}),
    ("POST", "/communities/{slug}/memberships", {}),
    ("DELETE", "/communities/{slug}/memberships/me", None),
    ("PATCH", "/communities/{slug}/memberships/{membership}", {"role": "owner"}),
    ("PATCH", "/threads/{thread}", {"title": "Mine"}),
    ("DELETE", "/threads/{thread}", None),
    ("DELETE", "/threads/{thread}/accepted", None),
    ("POST", "/threads/{thread}/replies", {"body": "Hi"}),
    ("PATCH", "/replies/{reply}", {"body": "Hi"}),
    ("DELETE", "/replies/{reply}", None),
    ("POST", "/replies/{reply}/accept", None),
    ("POST", "/replies/{reply}/endorsement", None),
    ("PUT", "/replies/{reply}/reactions/thanks", None),
    ("DELETE", "/replies/{reply}/reactions/thanks", None),
]


@pytest.fixture
def ids(community, thread, reply, student):
    return {
        "slug": community.slug,
        "thread": thread.pk,
        "opening": thread.posts.get(number=1).pk,
        "reply": reply.pk,
        "membership": student.memberships.get().pk,
    }


@pytest.mark.parametrize("path", READS)
def test_outsider_gets_404_from_private_reads(outsider, ids, path):
    response = send(signed_in(outsider), "GET", path.format(**ids))

    assert response.status_code == 404
    assert error_code(response) == "not_found"


@pytest.mark.parametrize("path", READS)
def test_anonymous_reader_gets_404_from_private_reads(ids, path):
    response = send(Client(), "GET", path.format(**ids))

    assert response.status_code == 404


@pytest.mark.parametrize(("method", "path", "data"), WRITES)
def test_outsider_gets_404_from_private_writes(outsider, ids, method, path, data):
    response = send(signed_in(outsider), method, path.format(**ids), data)

    assert response.status_code == 404


def test_404_for_private_looks_like_404_for_missing(outsider, ids):
    private = send(signed_in(outsider), "GET", f"/threads/{ids['thread']}")
    missing = send(signed_in(outsider), "GET", "/threads/987654")

    assert private.json() == missing.json()


def test_deleted_thread_is_404_to_students_but_visible_to_moderators(
    student, other_student, moderator, thread
):
    discussions.delete_post(student, thread.posts.get(number=1))

    as_peer = send(signed_in(other_student), "GET", f"/threads/{thread.pk}")
    as_moderator = send(signed_in(moderator), "GET", f"/threads/{thread.pk}")

    assert as_peer.status_code == 404
    assert as_moderator.status_code == 200
    assert as_moderator.json()["is_deleted"] is True
