from __future__ import annotations

import pytest

from studyhall.communities import services as communities
from studyhall.communities.models import Community, Membership
from studyhall.discussions.models import Category
from tests.api.conftest import error_code, get, send, signed_in
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def test_directory_lists_public_and_own_communities(student, community):
    public = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    hidden = CommunityFactory(visibility=Community.Visibility.PRIVATE)

    response = get(signed_in(student), "/communities")

    slugs = {item["slug"] for item in response.json()["items"]}
    assert response.status_code == 200
    assert slugs == {public.slug, community.slug}
    assert hidden.slug not in slugs


def test_directory_for_anonymous_shows_public_only(client, community, public_community):
    response = get(client, "/communities")

    assert [item["slug"] for item in response.json()["items"]] == [
        public_community.slug
    ]


def test_community_detail_shows_role_and_permissions(student, community):
    response = get(signed_in(student), f"/communities/{community.slug}")

    data = response.json()
    assert response.status_code == 200
    assert data["my_role"] == "student"
    assert data["permissions"]["can_start_thread"] is True
    assert data["permissions"]["can_manage_members"] is False
    assert "invite_token" not in data


def test_unknown_community_is_404(client, db):
    response = get(client, "/communities/no-such-place")

    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_verified_person_creates_community_when_allowed(settings, outsider):
    settings.COMMUNITY_CREATORS = "verified"

    response = send(
        signed_in(outsider),
        "POST",
        "/communities",
        {"name": "Linear Algebra", "visibility": "public"},
    )

    data = response.json()
    assert response.status_code == 201
    assert data["slug"] == "linear-algebra"
    assert data["my_role"] == "owner"
    assert Community.objects.get(slug="linear-algebra").visibility == "public"


def test_creating_community_needs_the_permission(outsider):
    response = send(signed_in(outsider), "POST", "/communities", {"name": "Mine"})

    assert response.status_code == 403
    assert error_code(response) == "permission_denied"


def test_creating_community_with_bad_choice_is_422(settings, outsider):
    settings.COMMUNITY_CREATORS = "verified"

    response = send(
        signed_in(outsider),
        "POST",
        "/communities",
        {"name": "X", "visibility": "secret"},
    )

    assert response.status_code == 422
    assert "visibility" in response.json()["error"]["fields"]


# --- memberships ------------------------------------------------------------------


def test_members_see_the_member_list(student, owner, community):
    response = get(signed_in(student), f"/communities/{community.slug}/memberships")

    handles = {item["member"]["handle"] for item in response.json()["items"]}
    assert response.status_code == 200
    assert handles == {student.handle, owner.handle}


def test_non_member_of_public_community_cannot_list_members(outsider, public_community):
    response = get(
        signed_in(outsider), f"/communities/{public_community.slug}/memberships"
    )

    assert response.status_code == 403


def test_only_owners_see_pending_requests(owner, student, community):
    community.joining = Community.Joining.APPROVAL
    community.visibility = Community.Visibility.PUBLIC
    community.save()
    applicant = UserFactory()
    communities.join_community(applicant, community)

    as_owner = get(signed_in(owner), f"/communities/{community.slug}/memberships")
    as_student = get(signed_in(student), f"/communities/{community.slug}/memberships")

    assert applicant.handle in as_owner.text
    assert applicant.handle not in as_student.text


def test_joining_an_open_public_community(outsider, public_community):
    path = f"/communities/{public_community.slug}/memberships"

    first = send(signed_in(outsider), "POST", path)
    again = send(signed_in(outsider), "POST", path, {})

    assert first.status_code == 201
    assert first.json()["status"] == "active"
    assert again.status_code == 200
    assert Membership.objects.filter(user=outsider).count() == 1


def test_joining_with_invite_token_of_private_community(outsider, community):
    response = send(
        signed_in(outsider),
        "POST",
        f"/communities/{community.slug}/memberships",
        {"invite_token": community.invite_token},
    )

    assert response.status_code == 201
    assert response.json()["role"] == "student"


def test_joining_private_community_with_wrong_token_is_404(outsider, community):
    response = send(
        signed_in(outsider),
        "POST",
        f"/communities/{community.slug}/memberships",
        {"invite_token": "wrong"},
    )

    assert response.status_code == 404


def test_leaving_a_community(student, owner, community):
    response = send(
        signed_in(student), "DELETE", f"/communities/{community.slug}/memberships/me"
    )

    assert response.status_code == 204
    assert not Membership.objects.filter(user=student).exists()


def test_last_owner_cannot_leave(owner, community):
    response = send(
        signed_in(owner), "DELETE", f"/communities/{community.slug}/memberships/me"
    )

    assert response.status_code == 409
    assert error_code(response) == "last_owner"


def test_owner_changes_a_role(owner, student, community):
    membership = Membership.objects.get(user=student, community=community)

    response = send(
        signed_in(owner),
        "PATCH",
        f"/communities/{community.slug}/memberships/{membership.pk}",
        {"role": "mentor"},
    )

    assert response.status_code == 200
    assert response.json()["role"] == "mentor"
    membership.refresh_from_db()
    assert membership.role == "mentor"


def test_owner_approves_a_request(owner, community):
    community.joining = Community.Joining.APPROVAL
    community.visibility = Community.Visibility.PUBLIC
    community.save()
    membership = communities.join_community(UserFactory(), community)

    response = send(
        signed_in(owner),
        "PATCH",
        f"/communities/{community.slug}/memberships/{membership.pk}",
        {"status": "active"},
    )

    assert response.status_code == 200
    assert response.json()["status"] == "active"


def test_student_cannot_change_roles(student, owner, community):
    membership = Membership.objects.get(user=owner, community=community)

    response = send(
        signed_in(student),
        "PATCH",
        f"/communities/{community.slug}/memberships/{membership.pk}",
        {"role": "student"},
    )

    assert response.status_code == 403


def test_changing_role_of_unknown_membership_is_404(owner, community):
    response = send(
        signed_in(owner),
        "PATCH",
        f"/communities/{community.slug}/memberships/999999",
        {"role": "mentor"},
    )

    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_bad_role_is_422(owner, student, community):
    membership = Membership.objects.get(user=student, community=community)

    response = send(
        signed_in(owner),
        "PATCH",
        f"/communities/{community.slug}/memberships/{membership.pk}",
        {"role": "emperor"},
    )

    assert response.status_code == 422
    assert "role" in response.json()["error"]["fields"]


def test_empty_membership_change_is_422(owner, student, community):
    membership = Membership.objects.get(user=student, community=community)

    response = send(
        signed_in(owner),
        "PATCH",
        f"/communities/{community.slug}/memberships/{membership.pk}",
        {},
    )

    assert response.status_code == 422


def test_owner_removes_a_member(owner, student, community):
    membership = Membership.objects.get(user=student, community=community)

    response = send(
        signed_in(owner),
        "DELETE",
        f"/communities/{community.slug}/memberships/{membership.pk}",
    )

    assert response.status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_membership_list_pages_by_cursor(owner, community):
    for _ in range(4):
        make_member(community, "student")
    client = signed_in(owner)
    path = f"/communities/{community.slug}/memberships"

    first = get(client, path, {"limit": 3}).json()
    second = get(client, path, {"limit": 3, "cursor": first["next_cursor"]}).json()

    ids = [m["id"] for m in first["items"] + second["items"]]
    assert len(ids) == 5 == len(set(ids))
    assert second["next_cursor"] is None


# --- categories -------------------------------------------------------------------


def test_categories_are_listed(student, community):
    Category.objects.create(community=community, name="Labs", slug="labs")

    response = get(signed_in(student), f"/communities/{community.slug}/categories")

    assert response.status_code == 200
    assert [c["slug"] for c in response.json()["items"]] == ["labs"]


def test_instructor_adds_a_category(instructor, community):
    response = send(
        signed_in(instructor),
        "POST",
        f"/communities/{community.slug}/categories",
        {"name": "Exam prep", "anonymity": "anonymous_to_peers"},
    )

    assert response.status_code == 201
    assert response.json()["slug"] == "exam-prep"
    assert Category.objects.filter(community=community, slug="exam-prep").exists()


def test_student_cannot_add_a_category(student, community):
    response = send(
        signed_in(student),
        "POST",
        f"/communities/{community.slug}/categories",
        {"name": "Mine"},
    )

    assert response.status_code == 403


def test_duplicate_category_name_is_422(instructor, community):
    Category.objects.create(community=community, name="Labs", slug="labs")

    response = send(
        signed_in(instructor),
        "POST",
        f"/communities/{community.slug}/categories",
        {"name": "Labs"},
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"]["name"]
