"""Walk every URL as each role: no 500s, and nothing private shows to outsiders.

New routes must be given arguments in ARGUMENTS below, so no page escapes the walk.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from studyhall.communities.models import Community, Membership
from studyhall.discussions import services
from studyhall.moderation import services as moderation
from studyhall.moderation.registry import POST as POST_KIND
from tests.discussions.helpers import answer, ask
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

SECRET = "Zanzibar-private-7731"
SHY_NAME = "Quietly Anonymous-Person"
SKIP_PREFIXES = ("admin/", "healthz")


def walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, str]]:
    """Return (route, name) for every URL pattern."""
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            found += walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append((prefix + str(entry.pattern), entry.name or ""))
    return found


@pytest.fixture
def world():
    private = CommunityFactory(
        name="Hidden Seminar",
        slug="hidden-seminar",
        anonymity=Community.Anonymity.ANONYMOUS_TO_PEERS,
    )
    people = {
        role: make_member(private, role)
        for role in ("owner", "instructor", "moderator", "mentor", "student")
    }
    peer = make_member(private, "student")
    shy = make_member(private, "student", display_name=SHY_NAME, handle="shyone")
    thread = ask(
        people["student"], private, title=f"{SECRET} thesis", body=f"Body {SECRET}"
    )
    reply = answer(peer, thread, body=f"Reply {SECRET}")
    services.edit_post(peer, reply, body=f"Edited {SECRET}")
    anon = ask(shy, private, title="Anonymous worry", is_anonymous=True, body="worried")
    anon_reply = answer(shy, thread, body="anonymous reply", is_anonymous=True)
    pending = Membership.objects.create(
        community=private, user=UserFactory(), status=Membership.Status.PENDING
    )
    people["peer"] = peer
    people["outsider"] = UserFactory()
    # Moderation state: a flagged, hidden reply, a restricted member.
    flagged = answer(peer, thread, body=f"Flagged {SECRET}")
    moderation.flag_content(
        people["mentor"], POST_KIND, flagged, reason="spam", note=f"Note {SECRET}"
    )
    moderation.moderate_content(
        people["moderator"], POST_KIND, flagged, action="hide", reason="Spam link"
    )
    suspended = make_member(private, "student")
    moderation.restrict_member(
        people["owner"],
        Membership.objects.get(community=private, user=suspended),
        action="suspend",
        reason="Cooling off",
        days=3,
    )
    people["suspended"] = suspended
    return {
        "community": private,
        "people": people,
        "thread": thread,
        "reply": reply,
        "anon": anon,
        "anon_reply": anon_reply,
        "membership": pending,
        "shy": shy,
        "flagged": flagged,
    }


def arguments(world: dict[str, Any]) -> dict[str, str]:
    return {
        "slug": world["community"].slug,
        "pk": str(world["thread"].pk),
        "thread_id": str(world["thread"].pk),
        "post_pk": str(world["reply"].pk),
        "reply_id": str(world["reply"].pk),
        "number": "2",
        "membership_id": str(world["membership"].pk),
        "token": "not-a-real-token",
        "token_id": "1",
        "handle": world["shy"].handle,
        "uidb64": "MQ",
        "kind": "thanks",
        "community_slug": world["community"].slug,
        "content_type": "post",
        "session_id": "1",
        "export_id": "1",
        "object_id": str(world["reply"].pk),
    }


def concrete(route: str, args: dict[str, str]) -> str:
    path = route
    for match in re.findall(r"<(?:\w+:)?(\w+)>", route):
        if match not in args:
            raise AssertionError(f"give the walk an argument for <{match}> in {route}")
        path = re.sub(rf"<(?:\w+:)?{match}>", args[match], path)
    path = path.replace("^", "").replace("$", "")
    return "/" + path


def paths(world: dict[str, Any]) -> list[str]:
    args = arguments(world)
    result = []
    for route, _name in walk(get_resolver().url_patterns):
        if route.startswith(SKIP_PREFIXES) or "(?P<" in route:
            continue
        result.append(concrete(route, args))
        if "<int:pk>" in route and route.startswith("p/"):
            for post in (world["reply"], world["anon_reply"]):
                result.append(concrete(route.replace("<int:pk>", str(post.pk)), args))
        if "<int:pk>" in route and route.startswith("t/"):
            result.append(
                concrete(route.replace("<int:pk>", str(world["anon"].pk)), args)
            )
        if "<int:object_id>" in route:
            for post in (world["anon_reply"], world["flagged"]):
                result.append(
                    concrete(route.replace("<int:object_id>", str(post.pk)), args)
                )
        for key, obj in (("<reply_id>", "anon_reply"), ("<thread_id>", "anon")):
            if key in route:
                result.append(concrete(route.replace(key, str(world[obj].pk)), args))
    return sorted(set(result))


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "outsider",
        "suspended",
        "student",
        "peer",
        "mentor",
        "moderator",
        "instructor",
        "owner",
    ],
)
def test_every_url_answers_without_error_and_hides_private_text(client, world, who):
    if who != "anonymous":
        client.force_login(world["people"][who])
    is_member = who not in {"anonymous", "outsider", "suspended"}
    sees_anonymous = who in {"moderator", "instructor", "owner"}

    for path in paths(world):
        response = client.get(path)

        assert response.status_code < 500, (who, path, response.status_code)
        body = response.content.decode(errors="replace")
        if not is_member:
            assert SECRET not in body, (who, path)
            # A suspended member is told where they were suspended; nothing more.
            if not (who == "suspended" and path == "/moderation/mine/"):
                assert "Hidden Seminar" not in body, (who, path)
        # Members may see the shy person elsewhere (members list, profile);
        # never beside the posts they made anonymously.
        shows_posts = path.startswith(
            (
                "/t/",
                "/p/",
                "/api/v1/threads",
                "/api/v1/replies",
                "/flag/",
                "/appeal/",
                "/moderation/",
                "/c/hidden-seminar/moderation/",
            )
        )
        shows_posts |= path.rstrip("/") in {
            "/c/hidden-seminar",
            "/api/v1/communities/hidden-seminar/threads",
        }
        if not sees_anonymous and shows_posts:
            assert SHY_NAME not in body, (who, path)
            assert "shyone" not in body, (who, path)


@pytest.mark.parametrize("who", ["outsider", "suspended"])
def test_outsiders_get_404_for_private_pages(client, world, who):
    client.force_login(world["people"][who])
    private_paths = [
        p for p in paths(world) if p.startswith(("/t/", "/p/", "/c/hidden-seminar/"))
    ]

    statuses = {p: client.get(p).status_code for p in private_paths}

    assert private_paths
    assert all(code in {404, 405} for code in statuses.values()), statuses
