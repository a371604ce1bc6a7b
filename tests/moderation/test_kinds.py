"""Flagging chat messages, portfolio items and study groups into the same
queue, with the same review actions, on the pages and in the API."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from studyhall import policy
from studyhall.chat import services as chat
from studyhall.chat.models import Message
from studyhall.groups.models import StudyGroup
from studyhall.moderation import services
from studyhall.moderation.kinds import GROUP, MESSAGE, SHOWCASE
from studyhall.moderation.models import AuditEntry, Case
from studyhall.policy import Action
from studyhall.profiles import services as profiles
from studyhall.profiles.models import ShowcaseItem
from tests.api.conftest import error_code, get, send, signed_in
from tests.chat.helpers import open_room, say
from tests.factories import make_group

pytestmark = pytest.mark.django_db


def fresh(*people):
    for person in people:
        policy.forget(person)
        policy.forget_relations(person)


@pytest.fixture
def message(community, instructor, other_student):
    room = open_room(instructor, community)
    chat.join_room(other_student, room)
    return say(other_student, room, body="Buy cheap essays at spam.example")


def test_a_member_flags_a_chat_message_from_the_room_page(
    client, message, student, community
):
    chat.join_room(student, message.room)
    client.force_login(student)
    room_page = client.get(reverse("chat:room-detail", args=[message.room_id]))
    flag_url = reverse("moderation:flag-create", args=["message", message.pk])
    assert flag_url in room_page.text

    response = client.post(flag_url, {"reason": "spam", "note": "advert"})

    assert response.status_code == 302
    case = Case.objects.get(content_type="message", object_id=message.pk)
    assert case.community_id == community.pk and case.flag_count == 1


def test_a_moderator_hides_a_message_and_readers_see_a_notice(
    client, message, student, moderator, other_student
):
    chat.join_room(student, message.room)
    services.flag_content(student, MESSAGE, message, reason="spam")
    client.force_login(moderator)
    review = reverse(
        "moderation:item-review",
        args=[message.room.community.slug, "message", message.pk],
    )
    assert "Buy cheap essays" in client.get(review).text

    client.post(review, {"action": "hide", "reason": "Advertising"})

    message.refresh_from_db()
    assert message.is_hidden
    room_url = reverse("chat:room-detail", args=[message.room_id])
    client.force_login(student)
    assert "hidden pending review" in client.get(room_url).text
    assert "Buy cheap essays" not in client.get(room_url).text
    listed = get(signed_in(student), f"/rooms/{message.room_id}/messages")
    (shown,) = listed.json()["items"]
    assert shown["html"] is None and shown["is_hidden"] is True
    client.force_login(other_student)
    assert "Buy cheap essays" in client.get(room_url).text
    assert AuditEntry.objects.filter(kind="hide", content_type="message").exists()


def test_the_author_appeals_a_hidden_message_and_restoring_grants_it(
    message, student, moderator, other_student
):
    services.moderate_content(moderator, MESSAGE, message, action="hide", reason="X")

    appealed = send(
        signed_in(other_student),
        "POST",
        f"/appeals/message/{message.pk}",
        {"text": "It was a course link"},
    )
    services.moderate_content(moderator, MESSAGE, message, action="restore")

    assert appealed.status_code == 201
    assert not Message.objects.get(pk=message.pk).is_hidden
    assert Case.objects.get(object_id=message.pk).appeal.outcome == "granted"


def test_direct_messages_are_not_flagged_to_a_community(
    community, student, other_student, moderator
):
    room = chat.start_conversation(student, [other_student])
    dm = say(other_student, room, body="hi")

    response = send(
        signed_in(student),
        "POST",
        "/flags",
        {"content_type": "message", "object_id": dm.pk, "reason": "spam"},
    )

    # They are reported as "direct_message" to the site's administrators
    # (tests/moderation/test_direct_reports.py).
    assert response.status_code == 404
    assert not policy.can(student, Action.MODERATE, dm)
    assert not policy.can(moderator, Action.MODERATE, dm)


def test_enough_trusted_flags_hide_a_message_automatically(
    community, message, settings
):
    from studyhall.communities.models import Membership
    from tests.factories import make_member

    settings.MODERATION_AUTO_HIDE_FLAGS = 2
    flaggers = [make_member(community, "student") for _ in range(2)]
    Membership.objects.filter(user__in=flaggers).update(trust_level=1)
    for person in flaggers:
        chat.join_room(person, message.room)
        services.flag_content(person, MESSAGE, message, reason="spam")

    assert Message.objects.get(pk=message.pk).is_hidden
    assert Case.objects.get(object_id=message.pk).is_auto_hidden


@pytest.fixture
def item(student):
    return profiles.add_showcase_item(
        student, title="Essay mill ad", description="Buy essays here"
    )


def test_a_portfolio_item_is_flagged_into_the_owners_first_community(
    client, community, item, other_student, moderator, student
):
    response = send(
        signed_in(other_student),
        "POST",
        "/flags",
        {"content_type": "showcase", "object_id": item.pk, "reason": "spam"},
    )
    acted = send(
        signed_in(moderator),
        "POST",
        f"/communities/{community.slug}/moderation/items/showcase/{item.pk}/actions",
        {"action": "hide", "reason": "Advertising"},
    )

    assert response.status_code == 201
    assert acted.status_code == 200
    assert ShowcaseItem.objects.get(pk=item.pk).is_hidden
    fresh(other_student, student)
    client.force_login(other_student)
    profile = reverse("accounts:profile", args=[student.handle])
    assert "Essay mill ad" not in client.get(profile).text
    client.force_login(student)
    page = client.get(profile).text
    assert "Essay mill ad" in page and "Hidden pending review" in page
    assert "Essay mill ad" in client.get(reverse("moderation:mine")).text


def test_the_profile_page_links_each_item_to_its_flag_form(
    client, item, other_student, student
):
    client.force_login(other_student)

    page = client.get(reverse("accounts:profile", args=[student.handle])).text

    assert reverse("moderation:flag-create", args=["showcase", item.pk]) in page


def test_moderators_delete_a_portfolio_item(community, item, moderator):
    services.moderate_content(moderator, SHOWCASE, item, action="delete", reason="X")

    assert not ShowcaseItem.objects.filter(pk=item.pk).exists()


def test_a_portfolio_outside_any_community_has_no_queue_to_go_to(outsider):
    from studyhall.core.errors import DomainError

    lone = profiles.add_showcase_item(outsider, title="Mine")

    with pytest.raises(DomainError) as raised:
        SHOWCASE.community_id(lone)

    assert raised.value.code == "no_moderators"


@pytest.fixture
def group(community, other_student):
    return make_group(other_student, community, name="Cheat ring", goal="Share keys")


def test_a_hidden_group_is_seen_only_by_its_members_and_moderators(
    client, community, group, student, moderator, other_student
):
    flag_page = reverse("moderation:flag-create", args=["group", group.pk])
    client.force_login(student)
    assert flag_page in client.get(reverse("groups:group-detail", args=[group.pk])).text
    client.post(flag_page, {"reason": "other", "note": "Sharing exam answers"})

    services.moderate_content(moderator, GROUP, group, action="hide", reason="Keys")

    fresh(student, moderator, other_student)
    detail = reverse("groups:group-detail", args=[group.pk])
    assert client.get(detail).status_code == 404
    listing = client.get(reverse("groups:group-list", args=[community.slug])).text
    assert "Cheat ring" not in listing
    client.force_login(other_student)
    assert "hidden pending review" in client.get(detail).text
    client.force_login(moderator)
    assert client.get(detail).status_code == 200


def test_groups_are_hidden_not_deleted_from_the_queue(community, group, moderator):
    response = send(
        signed_in(moderator),
        "POST",
        f"/communities/{community.slug}/moderation/items/group/{group.pk}/actions",
        {"action": "delete", "reason": "Keys"},
    )

    assert response.status_code == 409
    assert error_code(response) == "not_deletable"
    assert StudyGroup.objects.filter(pk=group.pk).exists()


def test_the_queue_shows_every_kind_with_its_context(
    client, community, message, item, group, student, moderator
):
    chat.join_room(student, message.room)
    services.flag_content(student, MESSAGE, message, reason="spam")
    services.flag_content(student, GROUP, group, reason="spam")
    other = profiles.add_showcase_item(message.author, title="Other ad")
    services.flag_content(student, SHOWCASE, other, reason="spam")
    client.force_login(moderator)

    page = client.get(reverse("moderation:queue", args=[community.slug])).text

    assert "Chat message" in page and "Study group" in page
    assert "Portfolio item" in page and "Cheat ring" in page


def test_unknown_items_of_a_kind_are_404(student):
    for kind in (MESSAGE, SHOWCASE, GROUP):
        with pytest.raises(Http404):
            kind.get(student, 999_999)


def test_a_hidden_profile_shows_only_the_name_to_others(
    client, community, student, other_student, moderator
):
    profile = profiles.update_profile(student, headline="Essays for sale", bio="DM me")
    client.force_login(other_student)
    page = reverse("accounts:profile", args=[student.handle])
    flag_url = reverse("moderation:flag-create", args=["profile", profile.pk])
    assert flag_url in client.get(page).text
    client.post(flag_url, {"reason": "spam"})

    acted = send(
        signed_in(moderator),
        "POST",
        f"/communities/{community.slug}/moderation/items/profile/{profile.pk}/actions",
        {"action": "hide", "reason": "Selling essays"},
    )

    assert acted.status_code == 200
    shown = client.get(page).text
    assert student.display_name in shown and "Essays for sale" not in shown
    assert "hidden pending review" in shown
    client.force_login(student)
    assert "Essays for sale" in client.get(page).text
    assert (
        send(
            signed_in(student),
            "POST",
            f"/appeals/profile/{profile.pk}",
            {"text": "Tutor"},
        ).status_code
        == 201
    )
