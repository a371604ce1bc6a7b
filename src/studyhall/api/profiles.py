"""Profiles, the directory, the feed, connections, mentorship and opportunities.

Hidden fields come back as null: the same policy decides as on the pages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from studyhall import policy
from studyhall.api.pagination import DEFAULT_LIMIT, keyset_page
from studyhall.api.params import Cursor, Id, Limit
from studyhall.api.schemas import ERRORS
from studyhall.api.security import ANYONE, SIGNED_IN, viewer
from studyhall.discussions.selectors import visible_community
from studyhall.profiles import selectors, services
from studyhall.profiles.models import ConnectionRequest, FeedEntry, MentorshipRequest
from studyhall.profiles.selectors import PersonCard

router = Router(tags=["people"])


# --- schemas ------------------------------------------------------------------------


class LinksOut(Schema):
    website: str | None
    linkedin: str | None
    github: str | None
    orcid: str | None


class PersonOut(Schema):
    handle: str
    display_name: str
    pronouns: str | None = Field(description="Null when hidden from you.")
    headline: str | None
    bio_html: str | None
    interests: list[str] | None
    skills: list[str] | None
    languages: list[str] | None
    objectives: str | None
    time_zone: str | None
    links: LinksOut | None
    avatar_url: str | None
    role: str | None = Field(description="Role in the listed community, if any.")
    is_connection: bool


class AchievementsOut(Schema):
    accepted_answer_count: int
    endorsement_count: int


class ShowcaseOut(Schema):
    id: int
    kind: str
    title: str
    description_html: str
    link: str
    file_url: str | None
    created_at: datetime


class ProfileOut(PersonOut):
    badges: list[str] = Field(description="From memberships you can see.")
    achievements: AchievementsOut | None
    showcase: list[ShowcaseOut] = Field(description="Portfolio items you may see.")
    is_following: bool
    is_mentor: bool
    mentor_areas: str | None


class PersonList(Schema):
    items: list[PersonOut]
    next_cursor: str | None


class ProfileIn(Schema):
    is_public: bool = False
    pronouns: str = ""
    headline: str = ""
    bio: str = Field("", json_schema_extra={"format": "markdown"})
    interests: str = Field("", description="Comma-separated.")
    skills: str = Field("", description="Comma-separated.")
    languages: str = Field("", description="Comma-separated.")
    objectives: str = ""
    time_zone: str = ""
    website: str = ""
    linkedin: str = ""
    github: str = ""
    orcid: str = ""
    visibility: dict[str, str] = Field(
        default_factory=dict,
        description="Field name -> public, communities, connections or only_me.",
    )


class SuggestionOut(Schema):
    person: PersonOut
    reasons: list[str]


class FeedEntryOut(Schema):
    id: int
    kind: str
    actor: str = Field(description="The actor's handle.")
    actor_name: str
    thread_id: int | None
    thread_title: str | None
    showcase_title: str | None
    created_at: datetime


class FeedList(Schema):
    items: list[FeedEntryOut]
    next_cursor: str | None


class NoteIn(Schema):
    note: str = ""


class ConnectionOut(Schema):
    id: int
    sender: str
    recipient: str
    note: str
    status: str


class AnswerIn(Schema):
    action: str = Field(description="accept, decline or withdraw.")


class GoalIn(Schema):
    goal: str


class MentorshipOut(Schema):
    id: int
    mentee: str
    mentor: str
    goal: str
    status: str
    created_at: datetime


class OpportunityIn(Schema):
    kind: str
    title: str
    organisation: str = ""
    description: str = ""
    apply_url: str
    deadline: date
    tags: str = ""


class OpportunityOut(Schema):
    id: int
    kind: str
    title: str
    organisation: str
    description_html: str
    apply_url: str
    deadline: date
    tags: list[str]
    is_bookmarked: bool


class OpportunityList(Schema):
    items: list[OpportunityOut]
    next_cursor: str | None


# --- presenting ------------------------------------------------------------------------


def person_out(person: PersonCard) -> PersonOut:
    """Return a person with every field the viewer may not see as null."""
    profile, shows = person.profile, person.shows
    links = None
    if shows("links"):
        links = LinksOut(
            website=profile.website or None,
            linkedin=profile.linkedin or None,
            github=profile.github or None,
            orcid=profile.orcid or None,
        )
    return PersonOut(
        handle=person.user.handle,
        display_name=person.user.display_name,
        pronouns=profile.pronouns if shows("pronouns") else None,
        headline=profile.headline if shows("headline") else None,
        bio_html=profile.bio_html if shows("bio") else None,
        interests=person.interests if shows("interests") else None,
        skills=person.skills if shows("skills") else None,
        languages=person.languages if shows("languages") else None,
        objectives=profile.objectives if shows("objectives") else None,
        time_zone=profile.time_zone if shows("time_zone") else None,
        links=links,
        avatar_url=(
            f"/people/{person.user.handle}/avatar/" if person.has_avatar else None
        ),
        role=person.role or None,
        is_connection=person.is_connection,
    )


def _connection_out(found: ConnectionRequest) -> ConnectionOut:
    return ConnectionOut(
        id=found.pk,
        sender=found.sender.handle,
        recipient=found.recipient.handle,
        note=found.note,
        status=found.status,
    )


def _mentorship_out(found: MentorshipRequest) -> MentorshipOut:
    return MentorshipOut(
        id=found.pk,
        mentee=found.mentee.handle,
        mentor=found.mentor.handle,
        goal=found.goal,
        status=found.status,
        created_at=found.created_at,
    )


# --- profiles ---------------------------------------------------------------------------


def profile_out(page: selectors.ProfilePage) -> ProfileOut:
    """Return a whole profile page's content for the API."""
    base = person_out(page.person).model_dump()
    profile = page.person.profile
    achievements = None
    if page.achievements is not None:
        achievements = AchievementsOut(
            accepted_answer_count=page.achievements.accepted_answer_count,
            endorsement_count=page.achievements.endorsement_count,
        )
    return ProfileOut(
        **base,
        badges=page.badges,
        achievements=achievements,
        showcase=[
            ShowcaseOut(
                id=item.pk,
                kind=item.kind,
                title=item.title,
                description_html=item.description_html,
                link=item.link,
                file_url=f"/portfolio/{item.pk}/file/" if item.file else None,
                created_at=item.created_at,
            )
            for item in page.showcase
        ],
        is_following=page.is_following,
        is_mentor=profile.is_mentor and profile.mentor_capacity > 0,
        mentor_areas=profile.mentor_areas if profile.is_mentor else None,
    )


@router.get("/people/{handle}", response={200: ProfileOut, **ERRORS}, auth=ANYONE)
def get_person(request: HttpRequest, handle: str) -> Any:
    """Show a person's profile as you may see it; never their email address."""
    return profile_out(selectors.profile_page(viewer(request), handle))


@router.put("/people/me/profile", response={200: ProfileOut, **ERRORS}, auth=SIGNED_IN)
def update_profile(request: HttpRequest, payload: ProfileIn) -> Any:
    """Replace your profile's fields and who may see each."""
    user = viewer(request)
    data = payload.model_dump()
    for name, value in data.pop("visibility").items():
        data[f"{name}_visibility"] = value
    services.update_profile(user, **data)
    return profile_out(selectors.profile_page(user, user.handle))


@router.get(
    "/communities/{slug}/people", response={200: PersonList, **ERRORS}, auth=SIGNED_IN
)
def list_people(
    request: HttpRequest,
    slug: str,
    q: str = "",
    interest: str = "",
    skill: str = "",
    language: str = "",
    role: str = "",
    time_zone: str = "",
    course: str = "",
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Any:
    """Search a community's member directory; filters match only visible fields."""
    user = viewer(request)
    community = visible_community(user, slug)
    filters = selectors.DirectoryFilters(
        q=q,
        interest=interest,
        skill=skill,
        language=language,
        role=role,
        time_zone=time_zone,
        course=course,
    )
    members = selectors.directory_members(user, community, filters).order_by("pk")
    page = keyset_page(members, scope="people", cursor=cursor, limit=limit)
    cards = selectors.directory_cards(user, community, page.items)
    return {"items": [person_out(c) for c in cards], "next_cursor": page.next_cursor}


@router.get(
    "/people/me/suggestions",
    response={200: list[SuggestionOut], **ERRORS},
    auth=SIGNED_IN,
)
def list_suggestions(request: HttpRequest) -> Any:
    """People like you, with the reasons."""
    return [
        SuggestionOut(person=person_out(s.person), reasons=s.reasons)
        for s in selectors.people_like_you(viewer(request))
    ]


@router.get("/feed", response={200: FeedList, **ERRORS}, auth=SIGNED_IN)
def list_feed(
    request: HttpRequest, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
) -> Any:
    """What the people and communities you follow did, newest first."""
    entries = selectors.feed_entries(viewer(request)).order_by("-created_at", "-pk")
    page = keyset_page(entries, scope="feed", cursor=cursor, limit=limit)
    return {
        "items": [_feed_out(e) for e in page.items],
        "next_cursor": page.next_cursor,
    }


def _feed_out(entry: FeedEntry) -> FeedEntryOut:
    return FeedEntryOut(
        id=entry.pk,
        kind=entry.kind,
        actor=entry.actor.handle,
        actor_name=entry.actor.display_name,
        thread_id=entry.thread_id,
        thread_title=entry.thread.title if entry.thread else None,
        showcase_title=entry.showcase.title if entry.showcase else None,
        created_at=entry.created_at,
    )


# --- network -------------------------------------------------------------------------------


def _person(handle: str) -> Any:
    return selectors.active_person(handle)


@router.post("/people/{handle}/follow", response={204: None, **ERRORS}, auth=SIGNED_IN)
def follow(request: HttpRequest, handle: str) -> Any:
    """Follow a person."""
    services.follow(viewer(request), _person(handle))
    return Status(204, None)


@router.delete(
    "/people/{handle}/follow", response={204: None, **ERRORS}, auth=SIGNED_IN
)
def unfollow(request: HttpRequest, handle: str) -> Any:
    """Stop following a person."""
    services.unfollow(viewer(request), _person(handle))
    return Status(204, None)


@router.post("/people/{handle}/block", response={204: None, **ERRORS}, auth=SIGNED_IN)
def block(request: HttpRequest, handle: str) -> Any:
    """Block a person: ends follows, connections and mentorships between you."""
    services.block_person(viewer(request), _person(handle))
    return Status(204, None)


@router.delete("/people/{handle}/block", response={204: None, **ERRORS}, auth=SIGNED_IN)
def unblock(request: HttpRequest, handle: str) -> Any:
    """Lift a block."""
    services.unblock_person(viewer(request), _person(handle))
    return Status(204, None)


@router.post(
    "/people/{handle}/connection-requests",
    response={201: ConnectionOut, **ERRORS},
    auth=SIGNED_IN,
)
def request_connection(request: HttpRequest, handle: str, payload: NoteIn) -> Any:
    """Ask to connect; limited per day (429 with code `throttled` and
    Retry-After past the limit)."""
    found = services.request_connection(
        viewer(request), _person(handle), note=payload.note
    )
    return Status(201, _connection_out(found))


@router.post(
    "/connection-requests/{request_id}",
    response={200: ConnectionOut, **ERRORS},
    auth=SIGNED_IN,
)
def answer_connection(request: HttpRequest, request_id: Id, payload: AnswerIn) -> Any:
    """Accept or decline a request to you, or withdraw yours (or end a connection)."""
    user = viewer(request)
    found = ConnectionRequest.objects.filter(pk=request_id).first()
    if found is None or not policy.can(user, policy.Action.VIEW, found):
        raise Http404
    if payload.action in ("accept", "decline"):
        found = services.answer_connection(
            user, found, accept=payload.action == "accept"
        )
    else:
        found = services.withdraw_connection(user, found)
    found = ConnectionRequest.objects.select_related("sender", "recipient").get(
        pk=found.pk
    )
    return _connection_out(found)


# --- mentorship -----------------------------------------------------------------------------


@router.post(
    "/people/{handle}/mentorship-requests",
    response={201: MentorshipOut, **ERRORS},
    auth=SIGNED_IN,
)
def request_mentorship(request: HttpRequest, handle: str, payload: GoalIn) -> Any:
    """Ask a mentor for mentorship with a goal."""
    found = services.request_mentorship(
        viewer(request), _person(handle), goal=payload.goal
    )
    return Status(201, _mentorship_out(found))


@router.get(
    "/mentorships", response={200: list[MentorshipOut], **ERRORS}, auth=SIGNED_IN
)
def list_mentorships(request: HttpRequest) -> Any:
    """Your mentorship requests and mentorships, either side."""
    services.expire_mentorship_requests()
    return [_mentorship_out(m) for m in selectors.mentorships(viewer(request))]


@router.post(
    "/mentorships/{mentorship_id}",
    response={200: MentorshipOut, **ERRORS},
    auth=SIGNED_IN,
)
def answer_mentorship(
    request: HttpRequest, mentorship_id: Id, payload: AnswerIn
) -> Any:
    """Accept or decline a request to you; withdraw or end one of yours."""
    user = viewer(request)
    found = selectors.mentorship_detail(user, mentorship_id)
    if payload.action in ("accept", "decline"):
        services.answer_mentorship(user, found, accept=payload.action == "accept")
    else:
        services.withdraw_mentorship(user, found)
    return _mentorship_out(selectors.mentorship_detail(user, mentorship_id))


# --- opportunities --------------------------------------------------------------------------


@router.get(
    "/communities/{slug}/opportunities",
    response={200: OpportunityList, **ERRORS},
    auth=ANYONE,
)
def list_opportunities(
    request: HttpRequest,
    slug: str,
    kind: str = "",
    tag: str = "",
    bookmarked: bool = False,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Any:
    """Open opportunities, soonest deadline first; expired ones are left out."""
    user = viewer(request)
    community = visible_community(user, slug)
    filters = selectors.OpportunityFilters(kind=kind, tag=tag, bookmarked=bookmarked)
    rows = selectors.opportunity_rows(user, community, filters).order_by(
        "deadline", "pk"
    )
    page = keyset_page(rows, scope="opportunities", cursor=cursor, limit=limit)
    return {
        "items": [_opportunity_out(o) for o in page.items],
        "next_cursor": page.next_cursor,
    }


def _opportunity_out(found: Any) -> OpportunityOut:
    return OpportunityOut(
        id=found.pk,
        kind=found.kind,
        title=found.title,
        organisation=found.organisation,
        description_html=found.description_html,
        apply_url=found.apply_url,
        deadline=found.deadline,
        tags=found.tag_list,
        is_bookmarked=bool(getattr(found, "is_bookmarked", False)),
    )


@router.post(
    "/communities/{slug}/opportunities",
    response={201: OpportunityOut, **ERRORS},
    auth=SIGNED_IN,
)
def post_opportunity(request: HttpRequest, slug: str, payload: OpportunityIn) -> Any:
    """Post an opportunity; alumni (mentors), instructors and owners may."""
    user = viewer(request)
    community = visible_community(user, slug)
    found = services.post_opportunity(user, community, **payload.model_dump())
    return Status(201, _opportunity_out(found))


@router.post(
    "/opportunities/{opportunity_id}/bookmark",
    response={200: OpportunityOut, **ERRORS},
    auth=SIGNED_IN,
)
def bookmark(request: HttpRequest, opportunity_id: Id) -> Any:
    """Bookmark an opportunity, or remove the bookmark."""
    user = viewer(request)
    found = selectors.visible_opportunity(user, opportunity_id)
    found.is_bookmarked = services.toggle_bookmark(user, found)  # type: ignore[attr-defined]
    return _opportunity_out(found)
