"""Profiles, the directory, the feed, connections, mentorship and opportunities.

Hidden fields come back as null: the same policy decides as on the pages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from studyhall import policy
from studyhall.api.chat import RoomOut
from studyhall.api.chat import _room_out as room_out
from studyhall.api.pagination import DEFAULT_LIMIT, keyset_page
from studyhall.api.params import Cursor, Id, Limit
from studyhall.api.schemas import ERRORS
from studyhall.api.security import ANYONE, SIGNED_IN, viewer
from studyhall.discussions.selectors import visible_community
from studyhall.profiles import selectors, services
from studyhall.profiles.models import (
    ConnectionRequest,
    Distinction,
    FeedEntry,
    MentorshipRequest,
    ShowcaseItem,
)
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
    distinctions: list[str] = Field(
        default_factory=list, description="Verified: Alum, Expert, Partner."
    )
    is_connection: bool


class GroupRef(Schema):
    id: int
    name: str


class AchievementsOut(Schema):
    accepted_answer_count: int
    endorsement_count: int
    group_count: int = Field(description="Study groups joined that you may see.")
    groups_organized: list[GroupRef]
    badges: list[str] = Field(description="Names of badges earned, latest first.")


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
    badge_name: str | None
    award_url: str | None = Field(description="The badge award's public page.")
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


class MeetingIn(Schema):
    starts_at: datetime
    duration_minutes: int = 30
    topic: str
    place: str = ""


class MeetingOut(Schema):
    id: int
    starts_at: datetime
    duration_minutes: int
    topic: str
    place: str


class MentorshipDetailOut(MentorshipOut):
    meetings: list[MeetingOut]


class MentoringIn(Schema):
    is_mentor: bool
    areas: str = ""
    availability: str = ""
    capacity: int = 0


class MentorOut(PersonOut):
    mentor_areas: str
    mentor_availability: str


class NetworkOut(Schema):
    incoming: list[ConnectionOut]
    outgoing: list[ConnectionOut]
    connections: list[ConnectionOut]
    following: list[str] = Field(description="Handles of the people you follow.")
    blocked: list[str] = Field(description="Handles of the people you blocked.")


class DistinctionIn(Schema):
    kind: str = Field(description="alum, expert or partner.")
    note: str = Field("", description="What makes the person one; needed to claim.")
    handle: str = Field(
        "", description="Owners: the member to mark. Leave empty to claim for you."
    )


class DistinctionOut(Schema):
    id: int
    person: str = Field(description="The person's handle.")
    kind: str
    status: str = Field(description="claimed, verified or rejected.")
    note: str


class DecisionIn(Schema):
    action: str = Field(description="verify or reject.")


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
        distinctions=person.distinctions,
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


def _showcase_out(item: ShowcaseItem) -> ShowcaseOut:
    return ShowcaseOut(
        id=item.pk,
        kind=item.kind,
        title=item.title,
        description_html=item.description_html,
        link=item.link,
        file_url=f"/portfolio/{item.pk}/file/" if item.file else None,
        created_at=item.created_at,
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
            group_count=page.achievements.group_count,
            groups_organized=[
                GroupRef(id=g.pk, name=g.name)
                for g in page.achievements.groups_organized
            ],
            badges=[a.badge.name for a in page.achievements.badges],
        )
    return ProfileOut(
        **base,
        badges=page.badges,
        achievements=achievements,
        showcase=[_showcase_out(item) for item in page.showcase],
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
        badge_name=entry.award.badge.name if entry.award else None,
        award_url=(
            reverse("recognition:award-detail", kwargs={"award_uid": entry.award.uid})
            if entry.award
            else None
        ),
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


@router.get("/people/me/network", response={200: NetworkOut, **ERRORS}, auth=SIGNED_IN)
def get_network(request: HttpRequest) -> Any:
    """Your connection requests either way, connections, follows and blocks."""
    found = selectors.network(viewer(request))
    return NetworkOut(
        incoming=[_connection_out(r) for r in found.incoming],
        outgoing=[_connection_out(r) for r in found.outgoing],
        connections=[_connection_out(r) for r in found.connections],
        following=[f.followed.handle for f in found.following],
        blocked=[u.handle for u in found.blocked],
    )


@router.post(
    "/communities/{slug}/follow", response={204: None, **ERRORS}, auth=SIGNED_IN
)
def follow_community(request: HttpRequest, slug: str) -> Any:
    """Follow a community's new threads in your feed."""
    user = viewer(request)
    services.follow_community(user, visible_community(user, slug))
    return Status(204, None)


@router.delete(
    "/communities/{slug}/follow", response={204: None, **ERRORS}, auth=SIGNED_IN
)
def unfollow_community(request: HttpRequest, slug: str) -> Any:
    """Stop following a community."""
    user = viewer(request)
    services.unfollow_community(user, visible_community(user, slug))
    return Status(204, None)


# --- photo and portfolio -------------------------------------------------------------------


@router.post("/people/me/avatar", response={200: ProfileOut, **ERRORS}, auth=SIGNED_IN)
def set_avatar(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """Upload a photo (multipart `file`): resized, re-encoded, metadata dropped."""
    user = viewer(request)
    services.set_avatar(user, file)
    return profile_out(selectors.profile_page(user, user.handle))


@router.delete("/people/me/avatar", response={204: None, **ERRORS}, auth=SIGNED_IN)
def remove_avatar(request: HttpRequest) -> Any:
    """Remove your photo."""
    services.remove_avatar(viewer(request))
    return Status(204, None)


@router.post(
    "/people/me/showcase", response={201: ShowcaseOut, **ERRORS}, auth=SIGNED_IN
)
def add_showcase_item(
    request: HttpRequest,
    title: Form[str],
    kind: Form[str] = "project",
    description: Form[str] = "",
    link: Form[str] = "",
    visibility: Form[str] = "communities",
    file: File[UploadedFile | None] = None,
) -> Any:
    """Add a portfolio item (multipart form; `file` is an optional PDF or image)."""
    item = services.add_showcase_item(
        viewer(request),
        title=title,
        kind=kind,
        description=description,
        link=link,
        visibility=visibility,
        upload=file,
    )
    return Status(201, _showcase_out(item))


@router.delete("/showcase/{item_id}", response={204: None, **ERRORS}, auth=SIGNED_IN)
def delete_showcase_item(request: HttpRequest, item_id: Id) -> Any:
    """Remove one of your portfolio items."""
    user = viewer(request)
    item = policy.visible(user, ShowcaseItem.objects.filter(pk=item_id)).first()
    if item is None:
        raise Http404("No such item.")
    services.delete_showcase_item(user, item)
    return Status(204, None)


# --- mentorship -----------------------------------------------------------------------------


@router.get("/mentors", response={200: list[MentorOut], **ERRORS}, auth=SIGNED_IN)
def list_mentors(request: HttpRequest) -> Any:
    """Mentors taking mentees whose profile you may see."""
    return [
        MentorOut(
            **person_out(c).model_dump(),
            mentor_areas=c.profile.mentor_areas,
            mentor_availability=c.profile.mentor_availability,
        )
        for c in selectors.mentors(viewer(request))
    ]


@router.put(
    "/people/me/mentoring", response={200: MentoringIn, **ERRORS}, auth=SIGNED_IN
)
def update_mentoring(request: HttpRequest, payload: MentoringIn) -> Any:
    """Publish or withdraw your mentoring offer (alumni, experts, instructors)."""
    profile = services.update_mentoring(viewer(request), **payload.model_dump())
    return MentoringIn(
        is_mentor=profile.is_mentor,
        areas=profile.mentor_areas,
        availability=profile.mentor_availability,
        capacity=profile.mentor_capacity,
    )


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


@router.get(
    "/mentorships/{mentorship_id}",
    response={200: MentorshipDetailOut, **ERRORS},
    auth=SIGNED_IN,
)
def get_mentorship(request: HttpRequest, mentorship_id: Id) -> Any:
    """One of your mentorships with its meetings; 404 for anyone else."""
    services.expire_mentorship_requests()
    found = selectors.mentorship_detail(viewer(request), mentorship_id)
    return _mentorship_detail_out(found)


def _mentorship_detail_out(found: MentorshipRequest) -> MentorshipDetailOut:
    return MentorshipDetailOut(
        **_mentorship_out(found).model_dump(),
        meetings=[
            MeetingOut(
                id=m.pk,
                starts_at=m.starts_at,
                duration_minutes=m.duration_minutes,
                topic=m.topic,
                place=m.place,
            )
            for m in found.meetings.all()
        ],
    )


@router.post(
    "/mentorships/{mentorship_id}/meetings",
    response={201: MentorshipDetailOut, **ERRORS},
    auth=SIGNED_IN,
)
def schedule_meeting(
    request: HttpRequest, mentorship_id: Id, payload: MeetingIn
) -> Any:
    """Schedule a meeting in an accepted mentorship (either person)."""
    user = viewer(request)
    found = selectors.mentorship_detail(user, mentorship_id)
    services.schedule_meeting(user, found, **payload.model_dump())
    return Status(201, _mentorship_detail_out(found))


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


@router.post(
    "/mentorships/{mentorship_id}/conversation",
    response={200: RoomOut, **ERRORS},
    auth=SIGNED_IN,
)
def open_mentorship_conversation(request: HttpRequest, mentorship_id: Id) -> Any:
    """Open (or find) the direct conversation between mentor and mentee; post to it
    with the chat API's `/rooms/{room_id}/messages`."""
    user = viewer(request)
    found = selectors.mentorship_detail(user, mentorship_id)
    room = services.open_mentorship_conversation(user, found)
    other = found.mentor if user.pk == found.mentee_id else found.mentee
    return room_out(room, [other])


# --- alumni, experts and partners ---------------------------------------------------------------------


def _distinction_out(found: Distinction) -> DistinctionOut:
    return DistinctionOut(
        id=found.pk,
        person=found.user.handle,
        kind=found.kind,
        status=found.status,
        note=found.note,
    )


@router.get(
    "/communities/{slug}/distinctions",
    response={200: list[DistinctionOut], **ERRORS},
    auth=SIGNED_IN,
)
def list_distinctions(request: HttpRequest, slug: str) -> Any:
    """The community's verified alumni, experts and partners, your own claims, and (owners)
    every claim waiting for verification."""
    user = viewer(request)
    page = selectors.distinctions_page(user, visible_community(user, slug))
    shown = {d.pk: d for d in [*page.verified, *page.claims, *page.mine]}
    return [_distinction_out(d) for d in shown.values()]


@router.post(
    "/communities/{slug}/distinctions",
    response={201: DistinctionOut, **ERRORS},
    auth=SIGNED_IN,
)
def add_distinction(request: HttpRequest, slug: str, payload: DistinctionIn) -> Any:
    """Claim to be an alum, expert or partner (verified by an owner), or, as an owner, mark
    a member with `handle`."""
    user = viewer(request)
    community = visible_community(user, slug)
    handle = payload.handle.strip().lstrip("@")
    if not handle or handle.casefold() == user.handle.casefold():
        found = services.claim_distinction(
            user, community, kind=payload.kind, note=payload.note
        )
    else:
        found = services.grant_distinction(
            user, community, _person(handle), kind=payload.kind, note=payload.note
        )
    return Status(201, _distinction_out(found))


@router.post(
    "/distinctions/{distinction_id}",
    response={200: DistinctionOut, **ERRORS},
    auth=SIGNED_IN,
)
def decide_distinction(
    request: HttpRequest, distinction_id: Id, payload: DecisionIn
) -> Any:
    """Verify or reject a claim (the community's owners)."""
    user = viewer(request)
    found = selectors.visible_distinction(user, distinction_id)
    if payload.action not in ("verify", "reject"):
        raise ValidationError({"action": "Use verify or reject."})
    found = services.decide_distinction(user, found, verify=payload.action == "verify")
    return _distinction_out(found)


@router.delete(
    "/distinctions/{distinction_id}", response={204: None, **ERRORS}, auth=SIGNED_IN
)
def remove_distinction(request: HttpRequest, distinction_id: Id) -> Any:
    """Withdraw your claim or badge, or remove one as an owner."""
    user = viewer(request)
    services.remove_distinction(
        user, selectors.visible_distinction(user, distinction_id)
    )
    return Status(204, None)


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
    """Post an opportunity; mentors, instructors, owners and verified alumni,
    experts and partners may."""
    user = viewer(request)
    community = visible_community(user, slug)
    found = services.post_opportunity(user, community, **payload.model_dump())
    return Status(201, _opportunity_out(found))


@router.get(
    "/opportunities/{opportunity_id}",
    response={200: OpportunityOut, **ERRORS},
    auth=ANYONE,
)
def get_opportunity(request: HttpRequest, opportunity_id: Id) -> Any:
    """One opportunity of a community you may see."""
    return _opportunity_out(
        selectors.visible_opportunity(viewer(request), opportunity_id)
    )


@router.delete(
    "/opportunities/{opportunity_id}", response={204: None, **ERRORS}, auth=SIGNED_IN
)
def delete_opportunity(request: HttpRequest, opportunity_id: Id) -> Any:
    """Remove an opportunity (its poster or the community's moderators)."""
    user = viewer(request)
    services.delete_opportunity(
        user, selectors.visible_opportunity(user, opportunity_id)
    )
    return Status(204, None)


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
