from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from studyhall.accounts import services
from studyhall.communities.models import Community, Membership
from studyhall.profiles.models import Profile
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def _profile_url(user) -> str:
    return reverse("accounts:profile", kwargs={"handle": user.handle})


def test_co_member_sees_the_profile_and_shared_community(
    client, student, other_student, community
):
    client.force_login(student)

    response = client.get(_profile_url(other_student))

    assert response.status_code == 200
    assert f"<h1>{other_student.display_name}" in response.text
    assert f"@{other_student.handle}" in response.text
    assert community.name in response.text


def test_stranger_gets_404(client, outsider, student):
    client.force_login(outsider)

    response = client.get(_profile_url(student))

    assert response.status_code == 404


def test_anonymous_visitor_gets_404_for_a_private_community_member(client, student):
    response = client.get(_profile_url(student))

    assert response.status_code == 404


def test_unknown_handle_gets_404(client, student):
    client.force_login(student)

    response = client.get(reverse("accounts:profile", kwargs={"handle": "nobody"}))

    assert response.status_code == 404


def test_handle_lookup_ignores_letter_case(client, student, other_student):
    client.force_login(student)

    response = client.get(
        reverse("accounts:profile", kwargs={"handle": other_student.handle.upper()})
    )

    assert response.status_code == 200


def test_you_can_see_your_own_profile_without_communities(client, outsider):
    client.force_login(outsider)

    response = client.get(_profile_url(outsider))

    assert response.status_code == 200
    assert "You have not joined any communities yet." in response.text


def test_profile_lists_only_communities_the_viewer_can_see(client, student, community):
    secret = CommunityFactory(name="Secret Society")
    hidden = CommunityFactory(
        name="Unlisted Club", visibility=Community.Visibility.UNLISTED
    )
    Membership.objects.create(community=secret, user=student, role="student")
    Membership.objects.create(community=hidden, user=student, role="student")
    viewer = make_member(community, "student")
    client.force_login(viewer)

    response = client.get(_profile_url(student))

    assert response.status_code == 200
    assert community.name in response.text
    assert "Secret Society" not in response.text
    assert "Unlisted Club" not in response.text


def test_pending_membership_is_not_shared(client, outsider, community):
    member = make_member(community, "student")
    Membership.objects.create(
        community=community, user=outsider, status=Membership.Status.PENDING
    )
    client.force_login(outsider)

    response = client.get(_profile_url(member))

    assert response.status_code == 404


def test_member_of_a_public_community_is_hidden_from_visitors_by_default(client):
    public = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    member = make_member(public, "instructor")

    response = client.get(_profile_url(member))

    assert response.status_code == 404


def test_a_public_profile_shows_its_public_communities_to_visitors(client):
    public = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    member = make_member(public, "instructor")
    Profile.objects.create(user=member, is_public=True)

    response = client.get(_profile_url(member))

    assert response.status_code == 200
    assert public.name in response.text
    assert member.email not in response.text


def test_inactive_person_gets_404(client, student, community):
    gone = make_member(community, "student", is_active=False)
    client.force_login(student)

    response = client.get(_profile_url(gone))

    assert response.status_code == 404


def test_display_name_is_escaped_on_profile_and_account(client, community, student):
    person = make_member(community, "student", display_name=SCRIPT)
    client.force_login(student)
    profile = client.get(_profile_url(person))
    client.force_login(person)
    account = client.get(reverse("accounts:account"))

    for response in (profile, account):
        assert SCRIPT not in response.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_updating_the_profile_changes_name_and_handle(client, outsider):
    client.force_login(outsider)

    response = client.post(
        reverse("accounts:profile-update"),
        {"display_name": "  Ada   Lovelace ", "handle": "@ada"},
    )

    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.display_name == "Ada Lovelace"
    assert outsider.handle == "ada"


def test_profile_form_has_labels_and_autocomplete(client, outsider):
    client.force_login(outsider)

    page = client.get(reverse("accounts:account"))

    assert '<label for="id_display_name">' in page.text
    assert '<label for="id_handle">' in page.text
    assert 'autocomplete="name"' in page.text
    assert f'value="{outsider.handle}"' in page.text


def test_taken_handle_in_another_case_is_refused_and_typed_text_kept(client, outsider):
    UserFactory(handle="Grace")
    client.force_login(outsider)

    response = client.post(
        reverse("accounts:profile-update"),
        {"display_name": "New Name", "handle": "grace"},
    )

    assert response.status_code == 200
    assert "That handle is taken" in response.text
    assert 'value="New Name"' in response.text
    assert 'aria-describedby="id_handle_helptext id_handle_error"' in response.text
    outsider.refresh_from_db()
    assert outsider.handle != "grace"


def test_update_profile_keeps_your_own_handle_in_another_case(outsider):
    shouted = outsider.handle.upper()

    services.update_profile(outsider, display_name="Same", handle=shouted)

    outsider.refresh_from_db()
    assert outsider.handle == shouted


@pytest.mark.parametrize("handle", ["", "has space", "ends.", "x" * 31, "a/b"])
def test_update_profile_refuses_malformed_handles(outsider, handle):
    with pytest.raises(ValidationError) as error:
        services.update_profile(outsider, display_name="Name", handle=handle)

    assert "handle" in error.value.message_dict


def test_update_profile_refuses_an_empty_name(outsider):
    with pytest.raises(ValidationError) as error:
        services.update_profile(outsider, display_name="   ", handle="fine")

    assert "display_name" in error.value.message_dict


def test_a_mention_still_leads_to_the_profile_after_a_handle_change(
    client, community, student, mentor
):
    from studyhall.accounts import services as accounts
    from tests.discussions.helpers import ask

    thread = ask(student, community, body=f"Thanks @{mentor.handle}!")
    accounts.update_profile(mentor, display_name=mentor.display_name, handle="new-name")
    client.force_login(student)

    link = reverse("accounts:profile-by-id", args=[mentor.pk])
    response = client.get(link)

    assert f'href="{link}"' in thread.posts.get().body_html
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile", args=["new-name"])


def test_the_stable_link_tells_a_stranger_nothing(client, community, student, outsider):
    client.force_login(outsider)
    hidden = client.get(reverse("accounts:profile-by-id", args=[student.pk]))
    unknown = client.get(reverse("accounts:profile-by-id", args=[999_999]))

    client.force_login(student)
    own = client.get(reverse("accounts:profile-by-id", args=[student.pk]))

    assert hidden.status_code == 404 and unknown.status_code == 404
    assert own.status_code == 302
