"""The search page, recommendations page and the API, with flat query counts."""

from __future__ import annotations

import pytest

from studyhall.discussions.models import Thread
from tests.discussions.helpers import answer, ask
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _threads(committed, community, author, n: int) -> None:
    with committed():
        for i in range(n):
            thread = ask(author, community, title=f"Sparse matrix question {i}")
            answer(author, thread, body=f"Sparse matrix answer {i}")


def test_search_page_shows_highlighted_results(client, committed, community, student):
    _threads(committed, community, student, 2)
    client.force_login(student)

    response = client.get("/search/", {"q": "sparse"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "4 results" in html
    assert "<mark>Sparse</mark> matrix question" in html
    assert '<span class="badge">Thread</span>' in html
    assert '<span class="badge">Reply</span>' in html


def test_empty_search_page_explains_itself(client):
    response = client.get("/search/")

    assert response.status_code == 200
    assert "Search the threads, replies, chat messages" in response.content.decode()


def test_bad_filters_keep_what_was_typed(client, student):
    client.force_login(student)

    response = client.get(
        "/search/", {"q": "kept words", "after": "not-a-date", "author": "nobody-here"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="kept words"' in html
    assert "Enter a valid date" in html
    assert "No one has the handle" in html


def test_dates_in_the_wrong_order_are_refused(client, student):
    client.force_login(student)

    response = client.get(
        "/search/", {"q": "x", "after": "2026-02-01", "before": "2026-01-01"}
    )

    assert response.status_code == 400
    assert "on or after the start date" in response.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_search_page_query_count_does_not_grow(
    client, committed, community, student, django_assert_num_queries, rows
):
    _threads(committed, community, student, rows)
    client.force_login(student)
    client.get("/search/", {"q": "sparse"})  # warm the session

    # session, user, snapshot, communities for the filter, the person's rooms,
    # groups, connections and blocks (for messages, groups, resources and
    # people), ranked candidates, page, snippets, threads shown, replies shown
    with django_assert_num_queries(14):
        response = client.get(
            "/search/", {"q": "sparse", "community": community.slug, "page": 2}
        )

    assert response.status_code == 200


@pytest.mark.parametrize("rows", [2, 20])
def test_for_me_page_query_count_does_not_grow(
    client, committed, community, student, django_assert_num_queries, rows
):
    mentor = make_member(community, "mentor")
    with committed():
        for i in range(rows):
            thread = ask(student, community, title=f"Markov chain question {i}")
            if i % 2:
                answer(mentor, thread, body=f"Markov answer {i}")
        ask(student, community, title="Open question about Markov mixing")
    client.force_login(mentor)
    client.get("/search/for-me/")

    # session, user, snapshot, the person's rooms, groups, connections and
    # blocks (the search documents' rule), past answers, threads to answer,
    # newest unanswered to fill up, threads shown, groups and resources (closest
    # and newest each), blocks (2), people, their communities, the people
    with django_assert_num_queries(21):
        response = client.get("/search/for-me/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="hit"') == min(5, rows // 2 + 1)
    assert "Why:" in html


def test_for_me_needs_a_login(client):
    assert client.get("/search/for-me/").status_code == 302


def test_api_search_returns_escaped_highlights(client, committed, community, student):
    with committed():
        ask(student, community, title="Generics <T> in Java", body="Type erasure")
    client.force_login(student)

    response = client.get("/api/v1/search", {"q": "generics", "kind": "thread"})

    data = response.json()
    assert response.status_code == 200
    assert data["total"] == 1
    assert data["items"][0]["title_html"] == "<mark>Generics</mark> &lt;T&gt; in Java"
    assert data["items"][0]["author"]["handle"] == student.handle


def test_api_search_rejects_bad_filters_in_one_shape(client, student):
    client.force_login(student)

    response = client.get("/api/v1/search", {"q": "x", "author": "no-such-person"})

    assert response.status_code == 422
    assert "author" in response.json()["error"]["fields"]


def test_api_search_hides_private_threads_from_visitors(
    client, committed, community, student
):
    with committed():
        ask(student, community, title="Private tensor notes")

    response = client.get("/api/v1/search", {"q": "tensor"})

    assert response.json()["total"] == 0


def test_api_recommendations(client, committed, community, student, other_student):
    with committed():
        thread = ask(other_student, community, title="Open question")
    client.force_login(student)

    data = client.get("/api/v1/recommendations").json()

    assert [t["id"] for t in data["threads"]] == [thread.pk]
    assert data["threads"][0]["why"]
    assert data["people"][0]["handle"] == other_student.handle


def test_api_merge(client, committed, community, student, moderator):
    original = ask(student, community, title="Original")
    duplicate = ask(student, community, title="Duplicate")
    answer(student, duplicate, body="moved")
    client.force_login(moderator)

    response = client.post(
        f"/api/v1/threads/{duplicate.pk}/merge",
        {"into": original.pk},
        content_type="application/json",
    )
    missing = client.post(
        f"/api/v1/threads/{duplicate.pk}/merge",
        {"into": 987654},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json() == {
        "thread": duplicate.pk,
        "into": original.pk,
        "moved_count": 1,
    }
    assert Thread.objects.get(pk=original.pk).reply_count == 1
    assert missing.status_code == 422


def test_api_merge_is_forbidden_to_students(client, community, student):
    original = ask(student, community, title="Original")
    duplicate = ask(student, community, title="Duplicate")
    client.force_login(student)

    response = client.post(
        f"/api/v1/threads/{duplicate.pk}/merge",
        {"into": original.pk},
        content_type="application/json",
    )

    assert response.status_code == 403
