"""Reads for profiles, the directory, suggestions, the feed, mentorship and the
opportunities board. Each starts from the policy and keeps its query count flat."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from studyhall import policy
from studyhall.accounts import selectors as account_selectors
from studyhall.accounts.models import HANDLE_PATTERN, User
from studyhall.chat.models import Message, Room, RoomMember
from studyhall.communities.models import Community, Membership, Role
from studyhall.core.pagination import Page, paginate
from studyhall.core.text import clean_text
from studyhall.discussions.models import Post, Thread
from studyhall.groups.models import GroupMembership, StudyGroup
from studyhall.policy import Action, Audience
from studyhall.profiles.models import (
    Bookmark,
    CommunityFollow,
    ConnectionRequest,
    Distinction,
    FeedEntry,
    Follow,
    MentorshipRequest,
    Opportunity,
    Profile,
    ProfileTag,
    ShowcaseItem,
)
from studyhall.recognition.models import BadgeAward

BADGES = {
    Role.OWNER: "Instructor",
    Role.INSTRUCTOR: "Instructor",
    Role.MODERATOR: "Moderator",
    Role.MENTOR: "Mentor",
    Role.STUDENT: "Student",
}
DIRECTORY_PAGE_SIZE = 24
DIRECTORY_SORTS = {
    "name": ("user__display_name", "pk"),
    "newest": ("-joined_at", "-pk"),
    "role": ("role", "user__display_name", "pk"),
}
FEED_PAGE_SIZE = 30


def profile_for(person: User) -> Profile:
    """Return the person's profile, or an unsaved default one (nothing is written)."""
    try:
        return person.profile
    except Profile.DoesNotExist:
        return Profile(user=person)


@dataclass
class PersonCard:
    """A person as one viewer may see them: the profile and the fields shown."""

    user: User
    profile: Profile
    fields: frozenset[str]
    tags: dict[str, list[str]] = field(default_factory=dict)
    role: str = ""
    is_connection: bool = False
    distinctions: list[str] = field(default_factory=list)

    def shows(self, name: str) -> bool:
        return name in self.fields

    @property
    def interests(self) -> list[str]:
        return self.tags.get("interest", []) if "interests" in self.fields else []

    @property
    def skills(self) -> list[str]:
        return self.tags.get("skill", []) if "skills" in self.fields else []

    @property
    def languages(self) -> list[str]:
        return self.tags.get("language", []) if "languages" in self.fields else []

    @property
    def links(self) -> list[tuple[str, str]]:
        if "links" not in self.fields:
            return []
        p = self.profile
        found = [("Website", p.website), ("LinkedIn", p.linkedin)]
        if p.github:
            found.append((f"GitHub: {p.github}", f"https://github.com/{p.github}"))
        if p.orcid:
            found.append((f"ORCID: {p.orcid}", f"https://orcid.org/{p.orcid}"))
        return [(label, url) for label, url in found if url]

    @property
    def has_avatar(self) -> bool:
        return bool(self.profile.avatar) and "avatar" in self.fields


def _tags_by_user(user_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    found: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for user_id, kind, label in ProfileTag.objects.filter(
        user_id__in=user_ids
    ).values_list("user_id", "kind", "label"):
        found[user_id][kind].append(label)
    return found


def _distinctions_by_user(
    viewer: Any, user_ids: list[int], community_ids: list[int] | None = None
) -> dict[int, list[str]]:
    """Return "Alum" / "Expert" / "Partner" for each person verified as one in a community the
    viewer may see (or in one of `community_ids`), one query."""
    rows = policy.visible(
        viewer,
        Distinction.objects.filter(
            user_id__in=user_ids, status=Distinction.Status.VERIFIED
        ),
    )
    if community_ids is not None:
        rows = rows.filter(community_id__in=community_ids)
    found: dict[int, set[str]] = defaultdict(set)
    for user_id, kind in rows.values_list("user_id", "kind"):
        found[user_id].add(Distinction.Kind(kind).label)
    return {user_id: sorted(labels) for user_id, labels in found.items()}


def card(viewer: Any, person: User, seen_by: Audience, **extra: Any) -> PersonCard:
    profile = profile_for(person)
    return PersonCard(
        user=person,
        profile=profile,
        fields=policy.visible_fields(profile, seen_by),
        **extra,
    )


# --- one profile --------------------------------------------------------------------


@dataclass
class Achievements:
    accepted_answer_count: int
    endorsement_count: int
    groups_organized: list[StudyGroup] = field(default_factory=list)
    group_count: int = 0
    badges: list[BadgeAward] = field(default_factory=list)

    @property
    def groups_organized_count(self) -> int:
        return len(self.groups_organized)


@dataclass
class ProfilePage:
    person: PersonCard
    is_self: bool
    badges: list[str]
    memberships: list[Membership]
    showcase: list[ShowcaseItem]
    achievements: Achievements | None
    is_following: bool = False
    has_blocked: bool = False
    connection: ConnectionRequest | None = None
    can_follow: bool = False
    can_connect: bool = False
    can_request_mentorship: bool = False
    open_mentorship: MentorshipRequest | None = None


def active_person(handle: str) -> User:
    """Return the active person with this handle (any letter case) or raise Http404.

    Text that cannot be a handle (such as a NUL, which PostgreSQL refuses)
    is not looked up at all.
    """
    if not re.fullmatch(HANDLE_PATTERN, handle or ""):
        raise Http404("No such person.")
    person = User.objects.filter(handle__iexact=handle, is_active=True).first()
    if person is None:
        raise Http404("No such person.")
    return person


def visible_person(viewer: Any, handle: str) -> tuple[User, Profile]:
    """Return the person and profile for a handle, or raise Http404 if the viewer
    may not see the profile (the same answer as for an unknown handle)."""
    if not re.fullmatch(HANDLE_PATTERN, handle or ""):
        raise Http404("No such person.")
    person = (
        User.objects.select_related("profile")
        .filter(handle__iexact=handle, is_active=True)
        .first()
    )
    if person is None:
        raise Http404("No such person.")
    profile = profile_for(person)
    if not policy.can(viewer, Action.VIEW_PROFILE, profile):
        raise Http404("No such person.")
    return person, profile


def achievements(viewer: Any, person: User) -> Achievements:
    """Return counts from the boards, over posts the viewer may see and that were
    not posted anonymously."""
    accepted = policy.visible(viewer, Thread.objects.all()).filter(
        accepted_post__author=person,
        accepted_post__is_anonymous=False,
        accepted_post__is_deleted=False,
    )
    endorsed = policy.visible(viewer, Post.objects.all()).filter(
        author=person, is_anonymous=False, is_deleted=False, endorsed_at__isnull=False
    )
    # Study groups the viewer may see (hidden ones only to their members).
    # One filter() per question: chained ones would each join memberships anew.
    groups = policy.visible(viewer, StudyGroup.objects.all())
    active = {"memberships__user": person, "memberships__status": "active"}
    organized = list(
        groups.filter(**active, memberships__role=GroupMembership.Role.ORGANIZER)
        .order_by("name", "pk")
        .only("pk", "name")
    )
    groups = groups.filter(**active)
    # Badges earned in communities the viewer may see, until revoked.
    badges = list(
        BadgeAward.objects.filter(
            recipient=person,
            revoked_at__isnull=True,
            community__in=policy.visible(viewer, Community.objects.all()),
        )
        .select_related("badge")
        .order_by("-created_at", "-pk")[:20]
    )
    return Achievements(
        accepted_answer_count=accepted.count(),
        endorsement_count=endorsed.count(),
        groups_organized=organized,
        group_count=groups.count(),
        badges=badges,
    )


def profile_page(viewer: Any, handle: str) -> ProfilePage:
    """Return everything the profile page shows to this viewer."""
    person, profile = visible_person(viewer, handle)
    seen_by = policy.profile_audience(viewer, profile)
    is_self = seen_by is Audience.SELF
    memberships = list(account_selectors.shared_memberships(viewer, person))
    tags = _tags_by_user([person.pk]).get(person.pk, {})
    person_card = PersonCard(
        user=person,
        profile=profile,
        fields=policy.visible_fields(profile, seen_by),
        tags=tags,
        is_connection=seen_by is Audience.CONNECTION,
    )
    showcase = list(
        policy.visible(
            viewer, ShowcaseItem.objects.filter(owner=person)
        ).select_related("owner__profile")
    )
    person_card.distinctions = _distinctions_by_user(
        viewer, [person.pk], [m.community_id for m in memberships]
    ).get(person.pk, [])
    page = ProfilePage(
        person=person_card,
        is_self=is_self,
        badges=sorted(
            {BADGES[Role(m.role)] for m in memberships} | set(person_card.distinctions)
        ),
        memberships=memberships,
        showcase=showcase,
        achievements=(
            achievements(viewer, person) if person_card.shows("achievements") else None
        ),
    )
    viewer_id = policy.snapshot(viewer).user_id
    if viewer_id is not None and not is_self:
        page.is_following = Follow.objects.filter(
            follower_id=viewer_id, followed=person
        ).exists()
        page.has_blocked = account_selectors.has_blocked(viewer, person)
        page.connection = (
            ConnectionRequest.objects.filter(
                Q(sender_id=viewer_id, recipient=person)
                | Q(sender=person, recipient_id=viewer_id),
                status__in=["pending", "accepted"],
            )
            .order_by("-pk")
            .first()
        )
        page.can_follow = policy.can(viewer, Action.FOLLOW, profile)
        page.can_connect = policy.can(viewer, Action.CONNECT, profile)
        page.can_request_mentorship = policy.can(
            viewer, Action.REQUEST_MENTORSHIP, profile
        )
        # A pending request past its expiry counts as closed even before it is swept.
        cutoff = timezone.now() - timedelta(
            days=settings.PROFILES_MENTORSHIP_EXPIRY_DAYS
        )
        page.open_mentorship = (
            MentorshipRequest.objects.filter(mentee_id=viewer_id, mentor=person)
            .filter(
                Q(status=MentorshipRequest.Status.ACCEPTED)
                | Q(status=MentorshipRequest.Status.PENDING, created_at__gte=cutoff)
            )
            .first()
        )
    return page


# --- the directory ---------------------------------------------------------------


@dataclass
class DirectoryFilters:
    q: str = ""
    interest: str = ""
    skill: str = ""
    language: str = ""
    role: str = ""
    time_zone: str = ""
    course: str = ""
    sort: str = "name"


def _field_q(viewer: Any, name: str) -> Q:
    return policy.audience_q(
        viewer,
        owner="user_id",
        visibility=f"user__profile__{name}_visibility",
        is_public="user__profile__is_public",
    )


def _has_tag(kind: str, value: str) -> Exists:
    return Exists(
        ProfileTag.objects.filter(
            user_id=OuterRef("user_id"), kind=kind, key=value.strip().casefold()
        )
    )


def directory_members(
    viewer: Any, community: Community, filters: DirectoryFilters
) -> QuerySet[Membership]:
    """Return the community's active memberships matching the filters, unordered.

    Filters match only fields the viewer may see, so a hidden interest never
    finds its owner; blocked people (either way) are left out. Raises
    PermissionDenied for non-members.
    """
    from studyhall.communities.selectors import members_for

    # PostgreSQL refuses NUL in text; other odd input simply matches nothing.
    for name in ("q", "interest", "skill", "language", "role", "time_zone", "course"):
        setattr(filters, name, clean_text(getattr(filters, name))[:100])
    members = members_for(viewer, community).filter(status=Membership.Status.ACTIVE)
    rel = policy.relations(viewer)
    if rel.blocked:
        members = members.exclude(user_id__in=sorted(rel.blocked))
    if filters.q.strip():
        text = filters.q.strip()
        members = members.filter(
            Q(user__display_name__icontains=text) | Q(user__handle__icontains=text)
        )
    for kind, value, name in (
        (ProfileTag.Kind.INTEREST, filters.interest, "interests"),
        (ProfileTag.Kind.SKILL, filters.skill, "skills"),
        (ProfileTag.Kind.LANGUAGE, filters.language, "languages"),
    ):
        if value.strip():
            members = members.filter(Q(_has_tag(kind, value)) & _field_q(viewer, name))
    if filters.role in Role.values:
        members = members.filter(role=filters.role)
    elif filters.role in Distinction.Kind.values:
        members = members.filter(
            Exists(
                Distinction.objects.filter(
                    user_id=OuterRef("user_id"),
                    community=community,
                    kind=filters.role,
                    status=Distinction.Status.VERIFIED,
                )
            )
        )
    if filters.time_zone.strip():
        members = members.filter(
            Q(user__profile__time_zone=filters.time_zone.strip())
            & _field_q(viewer, "time_zone")
        )
    if filters.course.strip():
        course = (
            policy.visible(
                viewer, Community.objects.filter(slug=filters.course.strip())
            )
            .values_list("pk", flat=True)
            .first()
        )
        members = members.filter(
            Exists(
                Membership.objects.filter(
                    user_id=OuterRef("user_id"),
                    community_id=course or 0,
                    status=Membership.Status.ACTIVE,
                )
            )
        )
    return members.select_related("user__profile")


def directory_cards(
    viewer: Any, community: Community, memberships: list[Membership]
) -> list[PersonCard]:
    """Return cards for one page of memberships, with the fields the viewer may see
    (one query for their tags)."""
    tags = _tags_by_user([m.user_id for m in memberships])
    distinctions = _distinctions_by_user(
        viewer, [m.user_id for m in memberships], [community.pk]
    )
    viewer_id = policy.snapshot(viewer).user_id
    cards = []
    for membership in memberships:
        seen_by = (
            Audience.SELF
            if membership.user_id == viewer_id
            else policy.audience(viewer, membership.user_id, {community.pk})
        )
        cards.append(
            card(
                viewer,
                membership.user,
                seen_by,
                tags=tags.get(membership.user_id, {}),
                role=BADGES[Role(membership.role)],
                is_connection=seen_by is Audience.CONNECTION,
                distinctions=distinctions.get(membership.user_id, []),
            )
        )
    return cards


def directory(
    viewer: Any, community: Community, filters: DirectoryFilters, *, page: int
) -> Page[PersonCard]:
    """Return one page of a community's member directory for a member."""
    order = DIRECTORY_SORTS.get(filters.sort, DIRECTORY_SORTS["name"])
    members = directory_members(viewer, community, filters).order_by(*order)
    result = paginate(members, page, DIRECTORY_PAGE_SIZE)
    return Page(
        items=directory_cards(viewer, community, result.items),
        number=result.number,
        page_count=result.page_count,
        total=result.total,
    )


def tag_suggestions(viewer: Any, kind: str, limit: int = 15) -> list[str]:
    """Return the most used tags of this kind among profiles the viewer may see
    with that field visible, for the edit form's suggestions."""
    name = {"interest": "interests", "skill": "skills", "language": "languages"}[kind]
    rows = (
        ProfileTag.objects.filter(kind=kind)
        .filter(
            policy.audience_q(
                viewer,
                owner="user_id",
                visibility=f"user__profile__{name}_visibility",
                is_public="user__profile__is_public",
            )
        )
        .values_list("label", flat=True)[:500]
    )
    counts: dict[str, int] = defaultdict(int)
    labels: dict[str, str] = {}
    for label in rows:
        counts[label.casefold()] += 1
        labels.setdefault(label.casefold(), label)
    ranked = sorted(counts, key=lambda key: (-counts[key], key))
    return [labels[key] for key in ranked[:limit]]


# --- people like you ----------------------------------------------------------------


@dataclass
class Suggestion:
    person: PersonCard
    score: int
    reasons: list[str]


def _plural(count: int, word: str) -> str:
    return f"{count} shared {word}{'' if count == 1 else 's'}"


def _shared_groups(user_id: int, people: list[int]) -> dict[int, list[str]]:
    """Return, for each of these people, the names of the study groups they are an
    active member of together with the person (one query)."""
    mine = GroupMembership.objects.filter(
        user_id=user_id, status=GroupMembership.Status.ACTIVE
    ).values("group_id")
    found: dict[int, list[str]] = defaultdict(list)
    for other_id, name in GroupMembership.objects.filter(
        group_id__in=mine,
        user_id__in=people,
        status=GroupMembership.Status.ACTIVE,
    ).values_list("user_id", "group__name"):
        found[other_id].append(name)
    return found


def people_like_you(viewer: Any, *, limit: int = 10) -> list[Suggestion]:
    """Return people from the viewer's communities ranked by shared interests,
    skills, study groups and courses, each with the reasons. Only tags the
    viewer may see count; connections, blocked people and the viewer are left
    out."""
    snap = policy.snapshot(viewer)
    if snap.user_id is None or not snap.roles:
        return []
    rel = policy.relations(viewer)
    skip = {snap.user_id, *rel.blocked, *rel.connections}
    shared_courses: dict[int, set[int]] = defaultdict(set)
    for user_id, community_id in Membership.objects.filter(
        community_id__in=sorted(snap.roles),
        status=Membership.Status.ACTIVE,
        user__is_active=True,
    ).values_list("user_id", "community_id"):
        if user_id not in skip:
            shared_courses[user_id].add(community_id)
    mine = ProfileTag.objects.filter(
        user_id=snap.user_id, kind__in=["interest", "skill"]
    )
    my_keys = {(kind, key) for kind, key in mine.values_list("kind", "key")}
    shared: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    if my_keys:
        for name, kind in (("interests", "interest"), ("skills", "skill")):
            keys = [key for k, key in my_keys if k == kind]
            if not keys:
                continue
            rows = (
                ProfileTag.objects.filter(
                    kind=kind, key__in=keys, user_id__in=list(shared_courses)
                )
                .filter(
                    policy.audience_q(
                        viewer,
                        owner="user_id",
                        visibility=f"user__profile__{name}_visibility",
                        is_public="user__profile__is_public",
                    )
                )
                .values_list("user_id", "label")
            )
            for user_id, label in rows:
                shared[user_id][kind].append(label)
    groups = _shared_groups(snap.user_id, list(shared_courses))
    names = {c.pk: c.name for c in Community.objects.filter(pk__in=sorted(snap.roles))}
    scored = []
    for user_id, courses in shared_courses.items():
        interests = sorted(shared[user_id]["interest"])
        skills = sorted(shared[user_id]["skill"])
        in_groups = sorted(groups[user_id])
        score = 3 * len(interests) + 2 * (len(skills) + len(in_groups)) + len(courses)
        reasons = []
        if in_groups:
            reasons.append(
                f"{_plural(len(in_groups), 'study group')}: {', '.join(in_groups)}"
            )
        if interests:
            reasons.append(
                f"{_plural(len(interests), 'interest')}: {', '.join(interests)}"
            )
        if skills:
            reasons.append(f"{_plural(len(skills), 'skill')}: {', '.join(skills)}")
        course_names = sorted(names[c] for c in courses)
        reasons.append(f"{_plural(len(courses), 'course')}: {', '.join(course_names)}")
        scored.append((score, user_id, reasons))
    scored.sort(key=lambda row: (-row[0], row[1]))
    top = scored[:limit]
    people = User.objects.select_related("profile").in_bulk([row[1] for row in top])
    tags = _tags_by_user([row[1] for row in top])
    return [
        Suggestion(
            person=card(
                viewer, people[user_id], Audience.COMMUNITY, tags=tags.get(user_id, {})
            ),
            score=score,
            reasons=reasons,
        )
        for score, user_id, reasons in top
    ]


# --- the activity feed ------------------------------------------------------------


def feed_entries(viewer: Any) -> QuerySet[FeedEntry]:
    """Return entries by people and communities the viewer follows, narrowed by
    the policy (threads they may read, items they may see), newest first."""
    user_id = policy.snapshot(viewer).user_id
    if user_id is None:
        return FeedEntry.objects.none()
    followed = Follow.objects.filter(follower_id=user_id).values("followed_id")
    communities = CommunityFollow.objects.filter(user_id=user_id).values("community_id")
    entries = FeedEntry.objects.filter(
        Q(actor_id__in=followed)
        | Q(kind=FeedEntry.Kind.THREAD, community_id__in=communities)
    ).exclude(actor_id=user_id)
    return policy.visible(viewer, entries).select_related(
        "actor", "community", "thread", "showcase", "award__badge"
    )


def feed_page(viewer: Any, *, page: int) -> Page[FeedEntry]:
    """Return one page of the viewer's feed."""
    return paginate(feed_entries(viewer), page, FEED_PAGE_SIZE)


# --- connections and follows ----------------------------------------------------------


@dataclass
class Network:
    incoming: list[ConnectionRequest]
    outgoing: list[ConnectionRequest]
    connections: list[ConnectionRequest]
    following: list[Follow]
    blocked: list[User]


def network(viewer: User) -> Network:
    """Return the person's requests, connections, follows and blocks."""
    requests = list(
        ConnectionRequest.objects.filter(
            Q(sender=viewer) | Q(recipient=viewer), status__in=["pending", "accepted"]
        )
        .select_related("sender", "recipient")
        .order_by("-created_at", "-pk")
    )
    blocked_ids = account_selectors.blocked_ids(viewer)
    return Network(
        incoming=[
            r for r in requests if r.status == "pending" and r.recipient_id == viewer.pk
        ],
        outgoing=[
            r for r in requests if r.status == "pending" and r.sender_id == viewer.pk
        ],
        connections=[r for r in requests if r.status == "accepted"],
        following=list(
            Follow.objects.filter(follower=viewer).select_related("followed")
        ),
        blocked=list(User.objects.filter(pk__in=blocked_ids).order_by("display_name")),
    )


# --- mentorship -----------------------------------------------------------------------


def mentors(viewer: Any) -> list[PersonCard]:
    """Return mentors taking mentees whose profile the viewer may see."""
    profiles = (
        policy.visible(
            viewer, Profile.objects.filter(is_mentor=True, mentor_capacity__gt=0)
        )
        .exclude(user_id=policy.snapshot(viewer).user_id or 0)
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("user__display_name")[:100]
    )
    found = list(profiles)
    distinctions = _distinctions_by_user(viewer, [p.user_id for p in found])
    cards = []
    for profile in found:
        person = profile.user
        person.profile = profile
        cards.append(
            card(
                viewer,
                person,
                Audience.COMMUNITY,
                distinctions=distinctions.get(person.pk, []),
            )
        )
    return cards


def mentorships(viewer: User) -> list[MentorshipRequest]:
    """Return the person's mentorship requests and mentorships, either side."""
    return list(
        policy.visible(viewer, MentorshipRequest.objects.all()).select_related(
            "mentee", "mentor"
        )
    )


def mentorship_detail(viewer: Any, pk: int) -> MentorshipRequest:
    """Return a mentorship the viewer takes part in, or raise Http404."""
    found = (
        policy.visible(viewer, MentorshipRequest.objects.filter(pk=pk))
        .select_related("mentee", "mentor")
        .first()
    )
    if found is None:
        raise Http404("No such mentorship.")
    return found


@dataclass
class MentorshipMessages:
    """The mentor and mentee's direct conversation, as shown on the mentorship page."""

    room: Room
    latest: list[Message]
    unread_count: int


MENTORSHIP_MESSAGES_SHOWN = 5


def mentorship_messages(
    viewer: User, mentorship: MentorshipRequest
) -> MentorshipMessages | None:
    """Return the pair's conversation with its latest messages, or None before one
    is opened (three queries at most). Expects a mentorship the viewer is part of."""
    low, high = sorted([mentorship.mentee_id, mentorship.mentor_id])
    room = policy.visible(viewer, Room.objects.filter(pair_key=f"{low}:{high}")).first()
    if room is None:
        return None
    latest = list(
        Message.objects.filter(room=room, parent__isnull=True, is_deleted=False)
        .select_related("author")
        .order_by("-number")[:MENTORSHIP_MESSAGES_SHOWN]
    )
    latest.reverse()
    read = (
        RoomMember.objects.filter(room=room, user=viewer)
        .values_list("last_read_number", flat=True)
        .first()
        or 0
    )
    return MentorshipMessages(
        room=room, latest=latest, unread_count=max(room.last_number - read, 0)
    )


# --- alumni and experts -------------------------------------------------------------


@dataclass
class DistinctionsPage:
    mine: list[Distinction]
    claims: list[Distinction]
    verified: list[Distinction]
    can_grant: bool


def distinctions_page(viewer: User, community: Community) -> DistinctionsPage:
    """Return the person's own claims, the claims waiting for them (owners) and the
    community's verified alumni and experts. Raises PermissionDenied for
    non-members."""
    from studyhall.communities.selectors import members_for

    members_for(viewer, community)
    rows = list(
        policy.visible(viewer, Distinction.objects.filter(community=community))
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("kind", "user__display_name", "pk")
    )
    return DistinctionsPage(
        mine=[d for d in rows if d.user_id == viewer.pk],
        claims=[d for d in rows if d.status == Distinction.Status.CLAIMED],
        verified=[d for d in rows if d.is_verified],
        can_grant=policy.can(viewer, Action.GRANT_DISTINCTION, community),
    )


def visible_distinction(viewer: Any, pk: int) -> Distinction:
    """Return a distinction the viewer may see, or raise Http404."""
    found = (
        policy.visible(viewer, Distinction.objects.filter(pk=pk))
        .select_related("user", "community")
        .first()
    )
    if found is None:
        raise Http404("No such distinction.")
    return found


# --- opportunities ---------------------------------------------------------------------


@dataclass
class OpportunityFilters:
    kind: str = ""
    tag: str = ""
    bookmarked: bool = False


def opportunity_rows(
    viewer: Any, community: Community, filters: OpportunityFilters
) -> QuerySet[Opportunity]:
    """Return the community's open opportunities matching the filters, unordered;
    ones past their deadline hide themselves."""
    rows = policy.visible(
        viewer,
        Opportunity.objects.filter(
            community=community, deadline__gte=timezone.localdate()
        ),
    )
    if filters.kind in Opportunity.Kind.values:
        rows = rows.filter(kind=filters.kind)
    tag = clean_text(filters.tag).strip().casefold()
    if tag:
        rows = rows.filter(tags__contains=f"|{tag}|")
    user_id = policy.snapshot(viewer).user_id
    if user_id is not None:
        mine = Bookmark.objects.filter(user_id=user_id, opportunity=OuterRef("pk"))
        rows = rows.annotate(is_bookmarked=Exists(mine))
        if filters.bookmarked:
            rows = rows.filter(is_bookmarked=True)
    return rows


def opportunities(
    viewer: Any, community: Community, filters: OpportunityFilters, *, page: int
) -> Page[Opportunity]:
    """Return one page of the community's open opportunities, soonest deadline first."""
    rows = opportunity_rows(viewer, community, filters)
    return paginate(rows.order_by("deadline", "pk"), page, 20)


def visible_opportunity(viewer: Any, pk: int) -> Opportunity:
    """Return an opportunity the viewer may see, or raise Http404."""
    found = (
        policy.visible(viewer, Opportunity.objects.filter(pk=pk))
        .select_related("community", "posted_by")
        .first()
    )
    if found is None:
        raise Http404("No such opportunity.")
    return found
