from __future__ import annotations

import base64
import json

import pytest

from studyhall.discussions import services as discussions
from studyhall.discussions.models import Thread
from tests.api.conftest import error_code, get, make_thread, signed_in

pytestmark = pytest.mark.django_db


def _walk(client, path, params):
    seen, pages, cursor = [], 0, None
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        response = get(client, path, query)
        assert response.status_code == 200
        data = response.json()
        seen += [item["id"] for item in data["items"]]
        pages += 1
        cursor = data["next_cursor"]
        if cursor is None:
            return seen, pages


@pytest.mark.parametrize("sort", ["active", "new", "top", "unanswered"])
def test_cursor_walks_45_threads_exactly_once(student, community, sort):
    threads = [make_thread(student, community, title=f"T{n}") for n in range(45)]
    # Ties in every sort key, and a pinned thread, test the keyset's tie-breaks.
    Thread.objects.filter(pk__in=[t.pk for t in threads[:10]]).update(
        last_activity_at=threads[0].last_activity_at,
        created_at=threads[0].created_at,
    )
    Thread.objects.filter(pk=threads[20].pk).update(is_pinned=True, reply_count=3)

    seen, pages = _walk(
        signed_in(student), f"/communities/{community.slug}/threads", {"sort": sort}
    )

    assert sorted(seen) == sorted(t.pk for t in threads)
    assert len(seen) == len(set(seen)) == 45
    assert pages == 3


def test_cursor_follows_the_page_order(student, community):
    for n in range(45):
        make_thread(student, community, title=f"T{n}")
    client = signed_in(student)
    path = f"/communities/{community.slug}/threads"

    seen, _ = _walk(client, path, {"limit": 7})
    expected = list(
        Thread.objects.filter(community=community)
        .order_by("-is_pinned", "-last_activity_at", "-pk")
        .values_list("pk", flat=True)
    )

    assert seen == expected


def test_cursor_walks_replies_exactly_once(student, other_student, thread):
    for n in range(45):
        discussions.create_reply(other_student, thread, body=f"reply {n}")

    seen, pages = _walk(
        signed_in(student), f"/threads/{thread.pk}/replies", {"limit": 20}
    )

    assert len(seen) == len(set(seen)) == 45
    assert pages == 3


def test_limit_above_100_is_422(student, community):
    response = get(
        signed_in(student), f"/communities/{community.slug}/threads", {"limit": 101}
    )

    assert response.status_code == 422
    assert "limit" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!!",
        "%%%",
        base64.urlsafe_b64encode(b"not json").decode(),
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(
            json.dumps({"s": "threads:active", "k": [1]}).encode()
        ).decode(),
        base64.urlsafe_b64encode(
            json.dumps({"s": "threads:active", "k": ["x", "y", "z"]}).encode()
        ).decode(),
        base64.urlsafe_b64encode(
            json.dumps(
                {"s": "threads:active", "k": [False, "2024-01-01", 2**70]}
            ).encode()
        ).decode(),
        "A" * 5000,
    ],
)
def test_malformed_cursor_is_400(student, community, thread, cursor):
    response = get(
        signed_in(student), f"/communities/{community.slug}/threads", {"cursor": cursor}
    )

    assert response.status_code == 400
    assert error_code(response) == "bad_cursor"


def test_cursor_of_another_sort_is_400(student, community):
    for n in range(3):
        make_thread(student, community, title=f"T{n}")
    client = signed_in(student)
    path = f"/communities/{community.slug}/threads"
    cursor = get(client, path, {"limit": 1, "sort": "new"}).json()["next_cursor"]

    response = get(client, path, {"limit": 1, "sort": "top", "cursor": cursor})

    assert response.status_code == 400


def test_cursor_of_threads_is_refused_for_replies(student, community, thread):
    make_thread(student, community)
    cursor = get(
        signed_in(student), f"/communities/{community.slug}/threads", {"limit": 1}
    ).json()["next_cursor"]

    response = get(
        signed_in(student), f"/threads/{thread.pk}/replies", {"cursor": cursor}
    )

    assert response.status_code == 400
