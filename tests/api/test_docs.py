from __future__ import annotations

import re

import pytest

from tests.api.conftest import API

pytestmark = pytest.mark.django_db

EXPECTED_PATHS = {
    "/api/v1/me": {"get"},
    "/api/v1/communities": {"get", "post"},
    "/api/v1/communities/{slug}": {"get"},
    "/api/v1/communities/{slug}/memberships": {"get", "post"},
    "/api/v1/communities/{slug}/memberships/me": {"delete"},
    "/api/v1/communities/{slug}/memberships/{membership_id}": {"patch", "delete"},
    "/api/v1/communities/{slug}/categories": {"get", "post"},
    "/api/v1/communities/{slug}/threads": {"get", "post"},
    "/api/v1/threads/{thread_id}": {"get", "patch", "delete"},
    "/api/v1/threads/{thread_id}/accepted": {"delete"},
    "/api/v1/threads/{thread_id}/replies": {"get", "post"},
    "/api/v1/replies/{reply_id}": {"get", "patch", "delete"},
    "/api/v1/replies/{reply_id}/accept": {"post"},
    "/api/v1/replies/{reply_id}/endorsement": {"post", "delete"},
    "/api/v1/replies/{reply_id}/reactions/{kind}": {"put", "delete"},
    "/api/v1/notifications": {"get"},
    "/api/v1/notifications/unread": {"get"},
    "/api/v1/notifications/read-all": {"post"},
    "/api/v1/notifications/{notification_id}/read": {"post"},
    "/api/v1/notifications/subscriptions": {"get", "put"},
    "/api/v1/notifications/preferences": {"get", "patch"},
}


def test_openapi_document_lists_every_path(client):
    response = client.get(API + "/openapi.json")

    schema = response.json()
    assert response.status_code == 200
    assert schema["openapi"].startswith("3.")
    paths = {path: set(ops) for path, ops in schema["paths"].items()}
    assert paths == EXPECTED_PATHS


def test_openapi_marks_public_reads_as_optionally_authenticated(client):
    schema = client.get(API + "/openapi.json").json()

    reads = schema["paths"]["/api/v1/threads/{thread_id}"]["get"]["security"]
    writes = schema["paths"]["/api/v1/threads/{thread_id}"]["patch"]["security"]
    assert {} in reads
    assert {} not in writes
    assert set(schema["components"]["securitySchemes"]) == {
        "AccessTokenAuth",
        "SessionAuth",
    }


def test_openapi_documents_the_error_shape(client):
    schema = client.get(API + "/openapi.json").json()

    responses = schema["paths"]["/api/v1/threads/{thread_id}"]["get"]["responses"]
    assert responses["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }


def test_docs_page_loads_only_local_assets(client):
    response = client.get(API + "/docs")

    html = response.content.decode()
    urls = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html)
    assert response.status_code == 200
    assert urls
    for url in urls:
        assert url.startswith("/static/"), url
    external = re.findall(r"https?://[^\s\"'<>]+", html)
    assert [u for u in external if not u.startswith("http://testserver")] == []
    assert '"validatorUrl": null' in html
