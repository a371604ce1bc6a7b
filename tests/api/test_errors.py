"""Every failure answers in the one JSON error shape, never an HTML page or a 500."""

from __future__ import annotations

import pytest

from studyhall.discussions.models import Post, Thread
from tests.api.conftest import API, error_code, get, send, signed_in

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _is_error_shape(response):
    data = response.json()
    assert set(data) == {"error"}
    assert {"code", "message"} <= set(data["error"])
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "path",
    [
        "/threads/999999",
        "/threads/999999/replies",
        "/replies/999999",
        "/communities/nowhere",
        "/communities/nowhere/threads",
        "/communities/nowhere/categories",
        "/communities/nowhere/memberships",
    ],
)
def test_unknown_ids_are_404_json(client, db, path):
    response = get(client, path)

    assert response.status_code == 404
    assert error_code(response) == "not_found"
    _is_error_shape(response)


@pytest.mark.parametrize(
    "path",
    ["/threads/abc", "/replies/1.5", "/threads/-3", "/threads/99999999999999999999999"],
)
def test_malformed_ids_are_404_json(client, db, path):
    response = get(client, path)

    assert response.status_code == 404
    _is_error_shape(response)


def test_unknown_route_is_404_json(client, db):
    response = client.get(API + "/no/such/route")

    assert response.status_code == 404
    _is_error_shape(response)


def test_wrong_method_is_405_json(student, thread):
    response = send(signed_in(student), "PUT", f"/threads/{thread.pk}", {})

    assert response.status_code == 405
    assert error_code(response) == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_malformed_json_body_is_400(student, thread):
    response = signed_in(student).post(
        f"{API}/threads/{thread.pk}/replies",
        "{not json",
        content_type="application/json",
    )

    assert response.status_code == 400
    _is_error_shape(response)


def test_wrong_field_type_is_422(student, thread):
    response = send(
        signed_in(student), "POST", f"/threads/{thread.pk}/replies", {"body": ["a"]}
    )

    assert response.status_code == 422
    assert "body" in response.json()["error"]["fields"]


def test_oversized_title_gives_the_service_message(student, community):
    response = send(
        signed_in(student),
        "POST",
        f"/communities/{community.slug}/threads",
        {"title": "x" * 201, "body": "fine"},
    )

    error = response.json()["error"]
    assert response.status_code == 422
    assert error["code"] == "validation_error"
    assert error["fields"]["title"] == [
        "Use at most 200 characters (this title has 201)."
    ]
    assert error["message"] == "Use at most 200 characters (this title has 201)."
    assert not Thread.objects.exists()


def test_oversized_body_gives_the_service_message(student, thread):
    response = send(
        signed_in(student),
        "POST",
        f"/threads/{thread.pk}/replies",
        {"body": "x" * 50_001},
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"]["body"] == [
        "Use at most 50,000 characters (this text has 50,001)."
    ]


def test_body_at_the_limit_is_accepted(student, thread):
    response = send(
        signed_in(student),
        "POST",
        f"/threads/{thread.pk}/replies",
        {"body": "x" * 50_000},
    )

    assert response.status_code == 201


def test_xss_in_title_is_returned_as_plain_text_and_body_html_is_sanitized(
    student, community
):
    response = send(
        signed_in(student),
        "POST",
        f"/communities/{community.slug}/threads",
        {"title": XSS, "body": XSS + "\n\n[x](javascript:alert(1))"},
    )

    data = response.json()
    html = data["opening_post"]["body_html"]
    assert response.status_code == 201
    assert data["title"] == XSS
    assert data["opening_post"]["body"].startswith(XSS)
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert "<script" not in Post.objects.get(thread_id=data["id"]).body_html


def test_domain_error_carries_its_code(owner, community):
    response = send(
        signed_in(owner), "DELETE", f"/communities/{community.slug}/memberships/me"
    )

    assert response.status_code == 409
    assert error_code(response) == "last_owner"
    assert "only owner" in response.json()["error"]["message"]


def test_permission_denied_carries_the_service_reason(other_student, thread):
    response = send(signed_in(other_student), "DELETE", f"/threads/{thread.pk}")

    assert response.status_code == 403
    assert response.json()["error"]["message"] == "You can only delete your own posts."


def test_request_outside_operations_still_csrf_safe(client, db):
    response = client.post(API + "/communities", "{}", content_type="application/json")

    assert response.status_code == 401
    _is_error_shape(response)


def test_lone_surrogates_and_nul_in_json_are_cleaned_not_500(db):
    from django.test import Client

    from studyhall.communities.models import Community
    from studyhall.discussions import services
    from tests.factories import CommunityFactory, make_member

    community = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    student = make_member(community, "student")
    thread = services.create_thread(student, community, title="t", body="b")
    client = Client()
    client.force_login(student)

    response = client.post(
        f"/api/v1/threads/{thread.pk}/replies",
        data='{"body": "half \\ud800 pair and nul \\u0000 here"}',
        content_type="application/json",
    )

    assert response.status_code == 201
    assert "\x00" not in thread.posts.get(number=2).body
