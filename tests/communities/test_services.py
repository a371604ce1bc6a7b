"""Community services: create, join, leave, approve and manage roles."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from studyhall.communities import services
from studyhall.communities.models import Community, Membership, Role
from studyhall.core.errors import DomainError
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def test_staff_create_a_community_and_own_it():
    admin = UserFactory(is_staff=True)

    community = services.create_community(
        admin, name="Linear Algebra", description="Vectors"
    )

    membership = Membership.objects.get(community=community, user=admin)
    assert membership.role == Role.OWNER
    assert community.slug == "linear-algebra"
    assert community.member_count == 1
    assert community.categories.count() == 1
    second = services.create_community(admin, name="Linear Algebra")
    assert second.slug == "linear-algebra-2"


def test_students_cannot_create_communities(outsider):
    with pytest.raises(PermissionDenied):
        services.create_community(outsider, name="Mine")


def test_joining_an_open_public_community_is_immediate(outsider):
    community = CommunityFactory(visibility=Community.Visibility.PUBLIC)

    membership = services.join_community(outsider, community)

    assert membership.status == Membership.Status.ACTIVE
    assert Community.objects.get(pk=community.pk).member_count == 1
    assert services.join_community(outsider, community) == membership


def test_approval_community_creates_a_request_that_owner_approves(owner, community):
    community.visibility = Community.Visibility.PUBLIC
    community.joining = Community.Joining.APPROVAL
    community.save()
    newcomer = UserFactory()

    request = services.join_community(newcomer, community)
    assert request.status == Membership.Status.PENDING
    approved = services.approve_member(owner, community, request.pk)

    assert approved.status == Membership.Status.ACTIVE
    assert services.approve_member(owner, community, request.pk).status == "active"


def test_invite_link_joins_a_private_community(community):
    newcomer = UserFactory()

    with pytest.raises(PermissionDenied):
        services.join_community(newcomer, community, invite_token="wrong")
    membership = services.join_community(
        newcomer, community, invite_token=community.invite_token
    )

    assert membership.status == Membership.Status.ACTIVE


def test_unverified_people_cannot_join():
    community = CommunityFactory(visibility=Community.Visibility.PUBLIC)

    with pytest.raises(PermissionDenied):
        services.join_community(UserFactory(email_verified_at=None), community)


def test_leaving_and_the_last_owner_rule(owner, student, community):
    services.leave_community(student, community)

    assert not Membership.objects.filter(user=student).exists()
    with pytest.raises(DomainError):
        services.leave_community(student, community)
    with pytest.raises(DomainError):
        services.leave_community(owner, community)


def test_owner_changes_roles_but_keeps_one_owner(owner, student, community):
    membership = Membership.objects.get(user=student, community=community)
    own = Membership.objects.get(user=owner, community=community)

    services.change_role(owner, community, membership.pk, role=Role.MODERATOR)

    assert Membership.objects.get(pk=membership.pk).role == Role.MODERATOR
    with pytest.raises(DomainError):
        services.change_role(owner, community, own.pk, role=Role.STUDENT)
    with pytest.raises(ValidationError):
        services.change_role(owner, community, membership.pk, role="king")
    with pytest.raises(DomainError):
        services.change_role(owner, community, 999999, role=Role.STUDENT)
    with pytest.raises(PermissionDenied):
        services.change_role(student, community, own.pk, role=Role.STUDENT)


def test_owner_removes_members_but_not_the_last_owner(owner, student, community):
    membership = Membership.objects.get(user=student, community=community)
    own = Membership.objects.get(user=owner, community=community)

    services.remove_member(owner, community, membership.pk)

    assert not Membership.objects.filter(pk=membership.pk).exists()
    with pytest.raises(DomainError):
        services.remove_member(owner, community, own.pk)


def test_owner_updates_settings(owner, student, community):
    services.update_community(owner, community, name="Renamed", visibility="public")

    assert Community.objects.get(pk=community.pk).name == "Renamed"
    with pytest.raises(PermissionDenied):
        services.update_community(student, community, name="Mine")
    with pytest.raises(ValidationError):
        services.update_community(owner, community, visibility="secret")


def test_second_owner_allows_leaving(owner, community):
    other = make_member(community, "owner")

    services.leave_community(owner, community)

    assert Membership.objects.filter(user=other, role=Role.OWNER).exists()


def test_resetting_the_invite_link_stops_old_links(owner, student, community):
    old = community.invite_token
    newcomer = UserFactory()

    services.reset_invite_link(owner, community)

    assert community.invite_token != old
    with pytest.raises(PermissionDenied):
        services.join_community(newcomer, community, invite_token=old)
    with pytest.raises(PermissionDenied):
        services.reset_invite_link(student, community)


def test_counting_members_survives_repeated_clicks(owner, student, community):
    membership = Membership.objects.get(user=student, community=community)
    before = Community.objects.get(pk=community.pk).member_count

    services._delete_membership(membership)
    services._delete_membership(membership)

    assert Community.objects.get(pk=community.pk).member_count == before - 1
