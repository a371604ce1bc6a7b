"""The policy: roles × object states, and `can` agreeing with `visible`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from studyhall import policy
from studyhall.communities.models import Community, Membership
from studyhall.discussions import services
from studyhall.discussions.models import Category, Post, Thread
from studyhall.policy import Action
from studyhall.profiles.models import Distinction
from studyhall.profiles.services.profile import profile_of
from tests.discussions.helpers import answer, ask
from tests.factories import CategoryFactory, CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

ROLES = ["owner", "instructor", "moderator", "mentor", "student"]


def fresh(user):
    policy.forget(user)
    return user


@pytest.fixture
def people(community):
    members = {role: make_member(community, role) for role in ROLES}
    members["outsider"] = UserFactory()
    members["anonymous"] = AnonymousUser()
    pending = UserFactory()
    Membership.objects.create(
        community=community, user=pending, status=Membership.Status.PENDING
    )
    members["pending"] = pending
    admin = UserFactory(is_superuser=True, is_staff=True)
    members["admin"] = admin
    return members


@pytest.fixture
def threads(community, people):
    """One thread in each state: public-ish, anonymous, deleted."""
    community.anonymity = Community.Anonymity.ANONYMOUS_TO_PEERS
    community.save()
    student = people["student"]
    CategoryFactory(community=community)
    normal = ask(student, community, title="Normal question")
    anon = ask(student, community, title="Anonymous question", is_anonymous=True)
    gone = ask(student, community, title="Deleted question")
    services.delete_post(student, gone.posts.get(number=1))
    hidden = ask(student, community, title="Hidden question")
    Thread.objects.filter(pk=hidden.pk).update(is_hidden=True)
    Post.objects.filter(thread=hidden).update(is_hidden=True)
    for user in people.values():
        if user.is_authenticated:
            fresh(user)
    return {
        "normal": normal,
        "anon": anon,
        "deleted": Thread.objects.get(pk=gone.pk),
        "hidden": Thread.objects.get(pk=hidden.pk),
    }


@pytest.mark.parametrize("visibility", ["public", "unlisted", "private"])
@pytest.mark.parametrize(
    "who",
    [
        "owner",
        "instructor",
        "moderator",
        "mentor",
        "student",
        "outsider",
        "anonymous",
        "pending",
        "admin",
    ],
)
def test_can_view_agrees_with_visible_for_every_role_and_state(
    community, people, threads, visibility, who
):
    community.visibility = visibility
    community.save()
    user = people[who]
    for thread in Thread.objects.select_related("community", "category"):
        listed = (
            policy.visible(user, Thread.objects.all()).filter(pk=thread.pk).exists()
        )

        allowed = policy.can(user, Action.VIEW, thread)

        assert allowed == listed, (who, visibility, thread.title)
    for post in Post.objects.select_related("thread__community", "thread__category"):
        listed = policy.visible(user, Post.objects.all()).filter(pk=post.pk).exists()
        assert policy.can(user, Action.VIEW, post) == listed
    assert (
        policy.can(user, Action.VIEW, community)
        == policy.visible(user, Community.objects.all())
        .filter(pk=community.pk)
        .exists()
    )
    assert policy.visible(
        user, Category.objects.filter(community=community)
    ).exists() == (policy.can(user, Action.VIEW, community))


def test_non_member_cannot_see_private_community_or_its_threads(
    community, people, threads
):
    outsider = people["outsider"]

    assert not policy.can(outsider, Action.VIEW, community)
    assert not policy.can(outsider, Action.VIEW, threads["normal"])
    assert not policy.visible(outsider, Thread.objects.all()).exists()


def test_deleted_thread_is_seen_only_by_moderating_roles(community, people, threads):
    deleted = threads["deleted"]

    seen = {who for who in ROLES if policy.can(people[who], Action.VIEW, deleted)}

    assert seen == {"owner", "instructor", "moderator"}
    assert policy.can(people["admin"], Action.VIEW, deleted)
    assert not policy.can(people["owner"], Action.REPLY, deleted)


def test_only_teaching_roles_endorse_and_announce(community, people, threads):
    reply = answer(people["mentor"], threads["normal"])

    endorsers = {who for who in ROLES if policy.can(people[who], Action.ENDORSE, reply)}
    announcers = {
        who
        for who in ROLES
        if policy.can(people[who], Action.START_ANNOUNCEMENT, community)
    }

    assert endorsers == {"owner", "instructor"}
    assert announcers == {"owner", "instructor"}


def test_asker_and_teachers_accept_answers_but_not_the_question_itself(
    community, people, threads
):
    thread = threads["normal"]
    reply = answer(people["mentor"], thread)
    opening = thread.posts.get(number=1)

    accepters = {
        who for who in ROLES if policy.can(people[who], Action.ACCEPT_ANSWER, reply)
    }

    assert accepters == {"student", "owner", "instructor"}
    assert not policy.can(people["student"], Action.ACCEPT_ANSWER, opening)
    discussion = ask(
        people["student"], community, title="Chat", kind=Thread.Kind.DISCUSSION
    )
    assert not policy.can(people["student"], Action.ACCEPT_ANSWER, discussion)


def test_authors_edit_and_delete_their_posts_moderators_any(community, people, threads):
    reply = answer(people["mentor"], threads["normal"])

    editors = {who for who in ROLES if policy.can(people[who], Action.EDIT, reply)}
    deleters = {who for who in ROLES if policy.can(people[who], Action.DELETE, reply)}

    assert editors == deleters == {"mentor", "owner", "instructor", "moderator"}
    services.delete_post(people["mentor"], reply)
    assert not policy.can(people["owner"], Action.EDIT, reply)
    assert not policy.can(people["owner"], Action.REACT, reply)
    assert not policy.can(people["owner"], Action.ENDORSE, reply)
    assert not policy.can(people["owner"], Action.ACCEPT_ANSWER, reply)
    assert not policy.can(people["student"], Action.VIEW_HISTORY, reply)
    assert policy.can(people["moderator"], Action.VIEW_HISTORY, reply)


def test_nobody_reacts_to_their_own_post(community, people, threads):
    reply = answer(people["mentor"], threads["normal"])

    assert not policy.can(people["mentor"], Action.REACT, reply)
    assert policy.can(people["student"], Action.REACT, reply)
    assert not policy.can(people["outsider"], Action.REACT, reply)


def test_anonymous_author_is_hidden_from_peers_and_shown_to_staff(
    community, people, threads
):
    post = threads["anon"].posts.select_related("author").get(number=1)

    peer_view = policy.author_for(people["mentor"], post)
    stranger_view = policy.author_for(people["anonymous"], post)
    staff_views = [
        policy.author_for(people[w], post) for w in ("owner", "instructor", "moderator")
    ]
    own_view = policy.author_for(people["student"], post)

    assert peer_view.name == stranger_view.name == "Anonymous"
    assert peer_view.handle is None
    assert all(people["student"].display_name in v.name for v in staff_views)
    assert own_view.is_you and people["student"].display_name in own_view.name
    assert policy.can(people["moderator"], Action.SEE_ANONYMOUS_AUTHOR, post)
    assert not policy.can(people["mentor"], Action.SEE_ANONYMOUS_AUTHOR, post)
    assert policy.can(
        people["instructor"], Action.SEE_ANONYMOUS_AUTHOR, threads["anon"]
    )


def test_named_author_view_carries_role(community, people, threads):
    post = threads["normal"].posts.select_related("author").get(number=1)

    view = policy.author_for(people["mentor"], post, role="instructor")

    assert view.name == people["student"].display_name
    assert view.label == view.name
    assert view.role == "instructor"


def test_only_students_post_anonymously_where_the_mode_allows(community, people):
    community.anonymity = Community.Anonymity.NAMED
    community.save()
    named_category = CategoryFactory(community=community)
    open_category = CategoryFactory(
        community=community, anonymity=Category.Anonymity.ANONYMOUS_TO_PEERS
    )
    closed_category = CategoryFactory(
        community=community, anonymity=Category.Anonymity.NAMED
    )
    student = people["student"]

    assert not policy.can(student, Action.POST_ANONYMOUSLY, community)
    assert not policy.can(student, Action.POST_ANONYMOUSLY, named_category)
    assert policy.can(student, Action.POST_ANONYMOUSLY, open_category)
    assert not policy.can(people["instructor"], Action.POST_ANONYMOUSLY, open_category)
    thread = ask(student, community, category=open_category)
    assert policy.can(student, Action.POST_ANONYMOUSLY, thread)
    community.anonymity = Community.Anonymity.ANONYMOUS_TO_PEERS
    community.save()
    assert policy.can(student, Action.POST_ANONYMOUSLY, community)
    assert not policy.can(student, Action.POST_ANONYMOUSLY, closed_category)
    assert "Anonymous" in policy.anonymity_notice(student, community, None)
    assert "will see your name" in policy.anonymity_notice(
        people["mentor"], community, None
    )


def test_joining_rules(community, people):
    outsider = people["outsider"]
    unverified = UserFactory(email_verified_at=None)

    assert policy.can(outsider, Action.JOIN, community) is False  # private: unseen
    community.visibility = Community.Visibility.PUBLIC
    community.save()
    assert policy.can(outsider, Action.JOIN, community)
    assert not policy.can(unverified, Action.JOIN, community)
    assert not policy.can(people["student"], Action.JOIN, community)
    assert not policy.can(people["pending"], Action.JOIN, community)
    assert not policy.can(people["anonymous"], Action.JOIN, community)
    community.joining = Community.Joining.INVITE
    community.save()
    assert not policy.can(outsider, Action.JOIN, community)
    assert policy.can(people["pending"], Action.LEAVE, community)
    assert policy.can(people["student"], Action.LEAVE, community)
    assert not policy.can(outsider, Action.LEAVE, community)


def test_community_management_matrix(community, people):
    managers = {
        w for w in ROLES if policy.can(people[w], Action.MANAGE_MEMBERS, community)
    }
    editors = {
        w for w in ROLES if policy.can(people[w], Action.EDIT_COMMUNITY, community)
    }
    categorisers = {
        w for w in ROLES if policy.can(people[w], Action.MANAGE_CATEGORIES, community)
    }
    category = CategoryFactory(community=community)

    viewers = {
        w for w in ROLES if policy.can(people[w], Action.VIEW_MEMBERS, community)
    }

    assert managers == editors == {"owner"}
    assert viewers == set(ROLES)
    assert not policy.can(people["pending"], Action.VIEW_MEMBERS, community)
    assert categorisers == {"owner", "instructor"}
    assert policy.can(people["admin"], Action.MANAGE_MEMBERS, community)
    assert not policy.can(people["outsider"], Action.START_THREAD, community)
    assert policy.can(people["student"], Action.START_THREAD, category)
    assert not policy.can(people["pending"], Action.REPLY, community)


def test_unverified_members_cannot_write(community):
    member = make_member(community, "student", email_verified_at=None)

    assert policy.can(member, Action.VIEW, community)
    assert not policy.can(member, Action.START_THREAD, community)


def test_thread_level_rules(community, people, threads):
    thread = threads["normal"]

    assert policy.can(people["moderator"], Action.PIN_THREAD, thread)
    assert not policy.can(people["student"], Action.PIN_THREAD, thread)
    assert not policy.can(people["outsider"], Action.REPLY, thread)
    assert policy.can(people["student"], Action.REPLY, thread)


def test_who_may_create_communities(settings, people):
    settings.COMMUNITY_CREATORS = "staff"
    staff = UserFactory(is_staff=True)

    assert policy.can(staff, Action.CREATE_COMMUNITY)
    assert policy.can(people["admin"], Action.CREATE_COMMUNITY)
    assert not policy.can(people["student"], Action.CREATE_COMMUNITY)
    assert not policy.can(people["anonymous"], Action.CREATE_COMMUNITY)
    settings.COMMUNITY_CREATORS = "verified"
    assert policy.can(people["student"], Action.CREATE_COMMUNITY)


def test_directory_lists_public_and_own_communities(people, community):
    public = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    unlisted = CommunityFactory(visibility=Community.Visibility.UNLISTED)

    student_sees = set(policy.listed(people["student"], Community.objects.all()))
    outsider_sees = set(policy.listed(people["outsider"], Community.objects.all()))
    pending_sees = set(policy.listed(people["pending"], Community.objects.all()))
    admin_sees = set(policy.listed(people["admin"], Community.objects.all()))

    assert student_sees == {public, community}
    assert outsider_sees == {public}
    assert pending_sees == {public, community}
    assert admin_sees >= {public, unlisted, community}
    assert policy.can(people["outsider"], Action.VIEW, unlisted)


def test_snapshot_is_loaded_once(django_assert_num_queries, people, community, threads):
    student = fresh(people["student"])

    with django_assert_num_queries(1):
        for _ in range(20):
            policy.can(student, Action.VIEW, community)
            policy.role_in(student, community)
            policy.is_pending(student, community)


def test_inactive_person_has_no_roles(community):
    member = make_member(community, "owner")
    member.is_active = False

    assert policy.role_in(member, community) is None
    policy.forget(None)


def test_unknown_action_or_object_fails_loudly(community, people, threads):
    reply = answer(people["mentor"], threads["normal"])
    owner = people["owner"]

    with pytest.raises(TypeError):
        policy.can(owner, Action.ACCEPT_ANSWER, community)
    with pytest.raises(TypeError):
        policy.can(owner, Action.EDIT, threads["normal"])
    with pytest.raises(TypeError):
        policy.can(owner, Action.MANAGE_MEMBERS, reply)
    with pytest.raises(TypeError):
        policy.can(owner, Action.VIEW, owner)
    with pytest.raises(TypeError):
        policy.visible(owner, Membership.objects.all())


def test_non_members_of_a_public_community_read_but_do_nothing_else(
    community, people, threads
):
    community.visibility = Community.Visibility.PUBLIC
    community.save()
    thread = threads["normal"]
    opening = thread.posts.get(number=1)
    outsider = people["outsider"]

    assert policy.can(outsider, Action.VIEW, thread)
    assert policy.can(outsider, Action.VIEW_HISTORY, opening)
    assert not policy.can(outsider, Action.PIN_THREAD, thread)
    assert not policy.can(outsider, Action.EDIT, opening)


def test_snapshot_of_nobody_is_empty():
    snap = policy.snapshot(None)

    assert snap.user_id is None and not snap.roles


# --- moderation (issue 7) ----------------------------------------------------------

RESTRICTED = ["muted", "suspended", "banned"]


@pytest.fixture
def restricted(community):
    """Students under each restriction, keyed by its name."""
    soon = timezone.now() + timedelta(days=2)
    fields = {
        "muted": {"muted_until": soon},
        "suspended": {"suspended_until": soon},
        "banned": {"banned_at": timezone.now()},
    }
    people = {}
    for name, values in fields.items():
        user = make_member(community, "student")
        Membership.objects.filter(user=user).update(**values)
        people[name] = user
    return people


def test_hidden_thread_is_seen_by_its_author_and_moderating_roles(
    community, people, threads
):
    hidden = threads["hidden"]

    seen = {who for who in ROLES if policy.can(people[who], Action.VIEW, hidden)}

    assert seen == {"owner", "instructor", "moderator", "student"}
    assert not policy.can(people["student"], Action.REPLY, hidden)
    assert policy.can(people["moderator"], Action.REPLY, hidden)


def test_moderation_matrix(community, people, threads, restricted):
    reply = answer(people["mentor"], threads["normal"])
    everyone = {**people, **restricted}

    def who_may(action, obj):
        return {w for w, u in everyone.items() if policy.can(fresh(u), action, obj)}

    staff = {"owner", "instructor", "moderator", "admin"}
    assert who_may(Action.MODERATE, community) == staff
    assert who_may(Action.MODERATE, threads["normal"]) == staff
    assert who_may(Action.MODERATE, reply) == staff
    assert who_may(Action.VIEW_AUDIT_LOG, community) == {"owner", "admin"}
    assert who_may(Action.MANAGE_MODERATION, community) == {"owner", "admin"}
    assert who_may(Action.FLAG, community) == staff | {"mentor", "student"}
    # The mentor wrote the reply and cannot flag it.
    assert who_may(Action.FLAG, reply) == staff | {"student"}
    assert who_may(Action.READ_TEXT, reply) == staff | {"mentor", "student", "muted"}
    assert who_may(Action.LABEL, reply) == {"owner", "instructor", "admin"}


def test_restricted_members_lose_their_powers(community, people, threads, restricted):
    normal = threads["normal"]
    opening = normal.posts.get(number=1)

    for name, user in restricted.items():
        for action, obj in [
            (Action.START_THREAD, community),
            (Action.REPLY, normal),
            (Action.REACT, opening),
            (Action.FLAG, opening),
            (Action.JOIN, community),
        ]:
            assert not policy.can(fresh(user), action, obj), (name, action)
    assert policy.can(restricted["muted"], Action.VIEW, normal)
    assert policy.can(restricted["muted"], Action.LEAVE, community)
    for name in ("suspended", "banned"):
        assert not policy.can(restricted[name], Action.VIEW, normal)
        assert not policy.visible(restricted[name], Thread.objects.all()).exists()


def test_muted_in_one_community_writes_in_another(community, restricted):
    other = CommunityFactory()
    muted = restricted["muted"]
    Membership.objects.create(community=other, user=muted, role="student")

    assert policy.can(fresh(muted), Action.START_THREAD, other)
    assert not policy.can(muted, Action.START_THREAD, community)


def test_hidden_post_text_is_for_author_and_moderators(community, people, threads):
    reply = answer(people["mentor"], threads["normal"])
    Post.objects.filter(pk=reply.pk).update(is_hidden=True)
    reply.refresh_from_db()

    readers = {w for w in ROLES if policy.can(people[w], Action.READ_TEXT, reply)}
    appealers = {w for w in ROLES if policy.can(people[w], Action.APPEAL, reply)}

    assert readers == {"owner", "instructor", "moderator", "mentor"}
    assert appealers == {"mentor"}
    assert not policy.can(people["student"], Action.REACT, reply)
    assert not policy.can(people["student"], Action.FLAG, reply)


def test_two_factor_is_required_of_owners_moderators_and_administrators(people):
    required = {
        w
        for w, u in people.items()
        if policy.requires_two_factor(fresh(u) if u.is_authenticated else u)
    }

    assert required == {"owner", "moderator", "admin"}


POST_ACTIONS = (
    Action.VIEW,
    Action.VIEW_HISTORY,
    Action.READ_TEXT,
    Action.MODERATE,
    Action.FLAG,
    Action.APPEAL,
    Action.EDIT,
    Action.DELETE,
    Action.REACT,
    Action.ENDORSE,
    Action.LABEL,
    Action.ACCEPT_ANSWER,
    Action.SEE_ANONYMOUS_AUTHOR,
    Action.GIVE_FEEDBACK,
    Action.REQUEST_FEEDBACK,
    Action.RESPOND_FEEDBACK,
)


@pytest.mark.parametrize("visibility", ["public", "private"])
def test_post_permissions_agree_with_can_for_every_role_and_state(
    community, people, threads, visibility
):
    community.visibility = visibility
    community.save()
    answer(people["mentor"], threads["normal"])
    answer(people["student"], threads["anon"])
    muted = make_member(community, "student")
    Membership.objects.filter(user=muted).update(
        muted_until=timezone.now() + timedelta(days=1)
    )
    people = {**people, "muted": fresh(muted)}
    posts = list(Post.objects.select_related("thread__community", "thread__category"))

    for who, user in people.items():
        answers = policy.post_permissions(user, posts, POST_ACTIONS)

        for post, allowed in zip(posts, answers, strict=True):
            for action in POST_ACTIONS:
                expected = policy.can(user, action, post)
                assert allowed[action] == expected, (who, action, post.pk)


def test_a_verified_partner_posts_opportunities_but_does_not_mentor(community):
    partner = make_member(community, "student")
    elsewhere = CommunityFactory()
    Membership.objects.create(community=elsewhere, user=partner, role="student")
    claim = Distinction.objects.create(
        user=partner, community=community, kind=Distinction.Kind.PARTNER
    )
    waiting = policy.can(fresh(partner), Action.POST_OPPORTUNITY, community)
    claim.status = Distinction.Status.VERIFIED
    claim.save()
    partner = fresh(partner)

    assert not waiting
    assert policy.can(partner, Action.POST_OPPORTUNITY, community)
    assert not policy.can(partner, Action.POST_OPPORTUNITY, elsewhere)
    assert not policy.can(partner, Action.OFFER_MENTORSHIP, profile_of(partner))
    Distinction.objects.create(
        user=partner,
        community=community,
        kind=Distinction.Kind.EXPERT,
        status=Distinction.Status.VERIFIED,
    )
    assert policy.can(fresh(partner), Action.OFFER_MENTORSHIP, profile_of(partner))
