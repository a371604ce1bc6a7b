"""Walk every URL as each role: no 500s, and nothing private shows to outsiders.

New routes must be given arguments in ARGUMENTS below, so no page escapes the walk.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from studyhall.chat import services as chat_services
from studyhall.communities.models import Community, Membership
from studyhall.discussions import services
from studyhall.library import services as library
from studyhall.live import services as live
from studyhall.moderation import direct
from studyhall.moderation import services as moderation
from studyhall.moderation.registry import POST as POST_KIND
from studyhall.notifications.services import notify_reply
from studyhall.search import indexing as search_indexing
from tests.discussions.helpers import answer, ask
from tests.factories import (
    CommunityFactory,
    UserFactory,
    make_group,
    make_member,
    make_network,
)

pytestmark = pytest.mark.django_db

SECRET = "Zanzibar-private-7731"
DM_SECRET = "Kestrel-direct-4410"
GROUP_SECRET = "Osprey-hidden-group-2209"
SHY_NAME = "Quietly Anonymous-Person"
SKIP_PREFIXES = ("admin/", "healthz")
# Searches that would find the private and anonymous posts if they leaked
# (pages echo the query, so they search for other words of those posts).
SEARCHES = [
    "/search/?q=thesis",
    "/search/?q=worry",
    "/search/?q=anonymous+reply",
    "/search/?q=body&community=hidden-seminar",
    "/api/v1/search?q=Zanzibar",
    "/api/v1/search?author=shyone",
    "/api/v1/search?q=worried",
    "/api/v1/search/similar?title=worried+thesis",
]


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
        # Mentors see named analytics: the shy person's anonymous posts must
        # still not be put beside their name there.
        analytics_show_names=True,
        analytics_mentors=True,
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
    notify_reply(anon_reply.pk, shy.pk)  # the asker and peer hear of it
    pending = Membership.objects.create(
        community=private, user=UserFactory(), status=Membership.Status.PENDING
    )
    room = chat_services.create_room(people["instructor"], private, name="tutors")
    message, _ = chat_services.send_message(
        people["student"], room, body=f"Chat {SECRET}"
    )
    chat_services.send_message(peer, room, body=f"Reply {SECRET}", parent=message)
    # A conversation between two students: private even from the owner.
    dm = chat_services.start_conversation(people["student"], [peer])
    dm_message, _ = chat_services.send_message(peer, dm, body=f"Direct {DM_SECRET}")
    people["peer"] = peer
    # Reported to the site's administrators: only they see what was shared.
    site_case = direct.report_direct_message(
        people["student"], dm_message, reason="harassment", note=f"Note {DM_SECRET}"
    ).case
    people["admin"] = UserFactory(is_staff=True)
    search_indexing.rebuild()
    people["outsider"] = UserFactory()
    # Study groups, the library and live sessions: private text in each.
    make_group(people["student"], private, name=f"{SECRET} circle")
    # A hidden group and its room: only its one member, the student, sees them.
    hideout = make_group(
        people["student"], private, name=f"{GROUP_SECRET} den", visibility="hidden"
    )
    chat_services.send_message(
        people["student"], hideout.room, body=f"Den {GROUP_SECRET}"
    )
    library.add_item(
        people["student"], private, library.ItemFields(title=f"{SECRET} paper")
    )
    live_session = live.open_live_session(
        people["instructor"], private, title=f"{SECRET} live"
    )
    live.ask_question(shy, live_session, body="shy question", is_anonymous=True)
    recognition = _recognition_world(private, people, thread)
    network = make_network(
        people["student"], peer, make_member(private, "mentor"), private
    )
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
        **recognition,
        **network,
        "room": room,
        "message": message,
        "dm": dm,
        "dm_message": dm_message,
        "community": private,
        "people": people,
        "thread": thread,
        "reply": reply,
        "anon": anon,
        "anon_reply": anon_reply,
        "membership": pending,
        "shy": shy,
        "flagged": flagged,
        "site_case": site_case,
    }


def _recognition_world(private: Community, people: dict[str, Any], thread: Any) -> dict:
    """Feedback, a rubric and a batch in the private community; a badge award and
    a certificate in a public one (their public pages are reached by their ids)."""
    from studyhall.recognition import services as recognition

    opening = thread.posts.get(number=1)
    recognition.give_feedback(people["instructor"], opening, body=f"Feedback {SECRET}")
    criterion = recognition.add_criterion(people["instructor"], private, name="Clarity")
    recognition.request_feedback(people["student"], opening, note=f"Note {SECRET}")
    batch = recognition.request_certificates(
        people["instructor"],
        private,
        user_ids=[people["student"].pk],
        kind="completion",
    )
    public = CommunityFactory(name="Open Lecture", visibility="public")
    host = make_member(public, "owner")
    learner = make_member(public, "student")
    badge = recognition.define_badge(
        host, public, name="Star", description="Shone.", criteria="Staff decide."
    )
    award = recognition.award_badge(host, badge, learner)
    certificate = recognition.issue_certificate(
        public, learner, kind="completion", issued_by=host
    )
    return {
        "badge": badge,
        "award": award,
        "certificate": certificate,
        "criterion": criterion,
        "batch": batch,
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
        "target_type": "thread",
        "target_id": str(world["thread"].pk),
        "notification_id": "1",
        "room_id": str(world["room"].pk),
        "message_id": str(world["message"].pk),
        "group_id": "1",
        "user_id": "1",
        "hand_id": "1",
        "feed_id": "1",
        "course": "STAT101",
        "task_id": "1",
        "session_id": "1",
        "live_id": "1",
        "poll_id": "1",
        "question_id": "1",
        "badge_uid": str(world["badge"].uid),
        "award_uid": str(world["award"].uid),
        "certificate_uid": str(world["certificate"].uid),
        "criterion_id": str(world["criterion"].pk),
        "batch_id": str(world["batch"].pk),
        "request_id": str(world["connection"].pk),
        "item_id": str(world["item"].pk),
        "mentorship_id": str(world["mentorship"].pk),
        "opportunity_id": str(world["opportunity"].pk),
        "distinction_id": str(world["distinction"].pk),
        "content_type": "post",
        "export_id": "1",
        "object_id": str(world["reply"].pk),
        "case_id": str(world["site_case"].pk),
    }


def group_paths(world: dict[str, Any]) -> list[str]:
    """The pages of the world's group, library item and live session."""
    from studyhall.groups.models import StudyGroup
    from studyhall.library.models import LibraryItem
    from studyhall.live.models import LiveSession

    group = StudyGroup.objects.get(community=world["community"], visibility="open")
    hideout = StudyGroup.objects.get(community=world["community"], visibility="hidden")
    item = LibraryItem.objects.get(community=world["community"])
    session = LiveSession.objects.get(community=world["community"])
    return [
        f"/g/{group.pk}/",
        f"/g/{group.pk}/library/",
        f"/library/{item.pk}/",
        f"/live/{session.pk}/",
        f"/api/v1/groups/{group.pk}",
        f"/api/v1/groups/{group.pk}/tasks",
        f"/api/v1/groups/{group.pk}/sessions",
        f"/api/v1/library/{item.pk}",
        f"/api/v1/live/{session.pk}",
        "/api/v1/communities/hidden-seminar/groups",
        "/api/v1/communities/hidden-seminar/library",
        "/api/v1/communities/hidden-seminar/live",
        f"/g/{hideout.pk}/",
        f"/chat/r/{hideout.room.pk}/",
        f"/api/v1/groups/{hideout.pk}/members",
        f"/api/v1/rooms/{hideout.room.pk}/messages",
    ]


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
        if "<int:pk>" in route and route.startswith("chat/r/"):
            for room in (world["room"], world["dm"]):
                result.append(concrete(route.replace("<int:pk>", str(room.pk)), args))
            continue
        if "<int:pk>" in route and route.startswith("chat/m/"):
            for message in (world["message"], world["dm_message"]):
                result.append(
                    concrete(route.replace("<int:pk>", str(message.pk)), args)
                )
            continue
        if "<int:pk>" in route and route.startswith("portfolio/"):
            result.append(
                concrete(route.replace("<int:pk>", str(world["item"].pk)), args)
            )
            continue
        if "<int:pk>" in route and route.startswith("t/"):
            result.append(
                concrete(route.replace("<int:pk>", str(world["anon"].pk)), args)
            )
        if "<int:object_id>" in route:
            for post in (world["anon_reply"], world["flagged"]):
                result.append(
                    concrete(route.replace("<int:object_id>", str(post.pk)), args)
                )
        for key, obj in (
            ("<reply_id>", "anon_reply"),
            ("<thread_id>", "anon"),
            ("<room_id>", "dm"),
            ("<message_id>", "dm_message"),
        ):
            if key in route:
                result.append(concrete(route.replace(key, str(world[obj].pk)), args))
    result += group_paths(world)
    result += SEARCHES
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
        "admin",
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
        site_pages = path.startswith(("/moderation/site/", "/api/v1/moderation/site/"))
        if who not in {"student", "peer"} and not (who == "admin" and site_pages):
            assert DM_SECRET not in body, (who, path)
        if site_pages and who != "admin":
            # Signed out: to the login; signed in: not there (405 for a POST route).
            allowed = {302, 401, 405} if who == "anonymous" else {404, 405}
            assert response.status_code in allowed, (who, path)
        if who != "student":
            assert GROUP_SECRET not in body, (who, path)
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
                "/notifications",
                "/api/v1/notifications",
                "/live/",
                "/api/v1/live/",
                *SEARCHES,
                "/flag/",
                "/appeal/",
                "/moderation/",
                "/c/hidden-seminar/moderation/",
                "/c/hidden-seminar/analytics/",
                "/api/v1/communities/hidden-seminar/analytics",
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
