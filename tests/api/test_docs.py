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
    "/api/v1/communities/{slug}/rooms": {"get", "post"},
    "/api/v1/conversations": {"get", "post"},
    "/api/v1/rooms/{room_id}/messages": {"get", "post"},
    "/api/v1/rooms/{room_id}/read": {"post"},
    "/api/v1/messages/{message_id}": {"patch", "delete"},
    "/api/v1/messages/{message_id}/reactions/{kind}": {"put", "delete"},
    "/api/v1/communities/{slug}/groups": {"get", "post"},
    "/api/v1/communities/{slug}/groups/suggested": {"get"},
    "/api/v1/groups/{group_id}": {"get", "patch"},
    "/api/v1/groups/{group_id}/membership": {"post", "delete"},
    "/api/v1/groups/{group_id}/members": {"get"},
    "/api/v1/groups/{group_id}/members/{user_id}": {"put", "delete"},
    "/api/v1/groups/{group_id}/requests/{user_id}/approval": {"post"},
    "/api/v1/groups/{group_id}/invitations": {"post"},
    "/api/v1/groups/{group_id}/resources": {"get", "post"},
    "/api/v1/groups/{group_id}/resources/files": {"post"},
    "/api/v1/groups/{group_id}/tasks": {"get", "post"},
    "/api/v1/tasks/{task_id}": {"get", "patch"},
    "/api/v1/tasks/{task_id}/comments": {"post"},
    "/api/v1/groups/{group_id}/sessions": {"get", "post"},
    "/api/v1/sessions/{session_id}/rsvp": {"put"},
    "/api/v1/sessions/{session_id}/notes": {"put"},
    "/api/v1/calendar-feeds": {"get", "post"},
    "/api/v1/calendar-feeds/{feed_id}": {"delete"},
    "/api/v1/communities/{slug}/library": {"get", "post"},
    "/api/v1/communities/{slug}/library/bibtex": {"post"},
    "/api/v1/communities/{slug}/library/export.bib": {"get"},
    "/api/v1/groups/{group_id}/library": {"get", "post"},
    "/api/v1/groups/{group_id}/library/export.bib": {"get"},
    "/api/v1/library/{item_id}": {"get", "delete"},
    "/api/v1/library/{item_id}/useful": {"put", "delete"},
    "/api/v1/library/{item_id}/comments": {"get", "post"},
    "/api/v1/library/{item_id}/recommendations/{course}": {"put", "delete"},
    "/api/v1/reading-list": {"get"},
    "/api/v1/reading-list/{item_id}": {"put", "delete"},
    "/api/v1/communities/{slug}/live": {"get", "post"},
    "/api/v1/groups/{group_id}/live": {"post"},
    "/api/v1/live/{live_id}": {"get"},
    "/api/v1/live/{live_id}/polls": {"post"},
    "/api/v1/live/{live_id}/polls/{poll_id}": {"patch"},
    "/api/v1/live/{live_id}/polls/{poll_id}/votes": {"post"},
    "/api/v1/live/{live_id}/questions": {"post"},
    "/api/v1/live/{live_id}/questions/{question_id}": {"patch"},
    "/api/v1/live/{live_id}/questions/{question_id}/upvote": {"post"},
    "/api/v1/live/{live_id}/hands": {"post"},
    "/api/v1/live/{live_id}/hands/{hand_id}": {"delete"},
    "/api/v1/live/{live_id}/reactions": {"post"},
    "/api/v1/live/{live_id}/end": {"post"},
    # Recognition (docs/recognition.md).
    "/api/v1/communities/{slug}/leaderboard": {"get"},
    "/api/v1/communities/{slug}/point-rules": {"get"},
    "/api/v1/communities/{slug}/kudos": {"get", "post"},
    "/api/v1/replies/{reply_id}/feedback": {"get", "post"},
    "/api/v1/me/progress": {"get"},
    "/api/v1/awards/{award_uid}": {"get"},
    "/api/v1/people/{handle}": {"get"},
    "/api/v1/people/me/profile": {"put"},
    "/api/v1/people/me/suggestions": {"get"},
    "/api/v1/communities/{slug}/people": {"get"},
    "/api/v1/feed": {"get"},
    "/api/v1/people/{handle}/follow": {"post", "delete"},
    "/api/v1/people/{handle}/block": {"post", "delete"},
    "/api/v1/people/{handle}/connection-requests": {"post"},
    "/api/v1/connection-requests/{request_id}": {"post"},
    "/api/v1/people/{handle}/mentorship-requests": {"post"},
    "/api/v1/mentorships": {"get"},
    "/api/v1/mentorships/{mentorship_id}": {"get", "post"},
    "/api/v1/communities/{slug}/opportunities": {"get", "post"},
    "/api/v1/opportunities/{opportunity_id}/bookmark": {"post"},
    "/api/v1/search": {"get"},
    "/api/v1/search/similar": {"get"},
    "/api/v1/recommendations": {"get"},
    "/api/v1/threads/{thread_id}/merge": {"post"},
    "/api/v1/flags": {"post"},
    "/api/v1/replies/{reply_id}/label": {"post"},
    "/api/v1/appeals/{content_type}/{object_id}": {"post"},
    "/api/v1/communities/{slug}/moderation/cases": {"get"},
    "/api/v1/communities/{slug}/moderation/items/{content_type}/{object_id}/actions": {
        "post"
    },
    "/api/v1/communities/{slug}/moderation/members/{membership_id}": {"post"},
    "/api/v1/communities/{slug}/moderation/log": {"get"},
    "/api/v1/communities/{slug}/moderation/workload": {"get"},
    "/api/v1/communities/{slug}/blackouts": {"get", "post"},
    "/api/v1/me/exports": {"get", "post"},
    "/api/v1/notifications": {"get"},
    "/api/v1/notifications/unread": {"get"},
    "/api/v1/notifications/read-all": {"post"},
    "/api/v1/notifications/{notification_id}/read": {"post"},
    "/api/v1/notifications/subscriptions": {"get", "put"},
    "/api/v1/notifications/preferences": {"get", "patch"},
}


def test_openapi_document_lists_every_board_path(client):
    response = client.get(API + "/openapi.json")

    schema = response.json()
    assert response.status_code == 200
    assert schema["openapi"].startswith("3.")
    paths = {path: set(ops) for path, ops in schema["paths"].items()}
    # Other apps add their own paths; each app's tests check its own.
    assert {path: paths.get(path) for path in EXPECTED_PATHS} == EXPECTED_PATHS


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
