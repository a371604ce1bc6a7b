"""Chat messages, study groups, library resources, opportunities and people in
search: indexed on create, edit and delete, found only by those their own
pages are shown to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from studyhall.chat import services as chat
from studyhall.chat.models import Room
from studyhall.communities.models import Community
from studyhall.groups import services as groups
from studyhall.library import services as library
from studyhall.profiles import services as profiles
from studyhall.profiles.models import Profile
from studyhall.search import indexing
from studyhall.search.models import Document
from tests.chat.helpers import open_room, say
from tests.factories import CommunityFactory, UserFactory, make_group, make_member
from tests.profiles.conftest import profile_data
from tests.search.conftest import found

pytestmark = pytest.mark.django_db


def fresh(*people):
    for person in people:
        for name in ("_policy_snapshot", "_policy_relations"):
            person.__dict__.pop(name, None)


# --- chat messages -------------------------------------------------------------


def test_message_in_a_public_room_is_found_by_members_of_the_community(
    committed, community, instructor, student, outsider, anonymous
):
    with committed():
        room = open_room(instructor, community, name="lounge")
        message = say(instructor, room, body="The quokka seminar moved to Friday")

    assert found(student, "quokka") == [("message", message.pk)]
    assert found(student, "quokka", kind="message") == [("message", message.pk)]
    assert found(student, "quokka", kind="thread") == []
    assert found(anonymous, "quokka") == []


def test_message_in_a_members_only_room_is_found_only_by_its_members(
    committed, community, instructor, student, other_student
):
    with committed():
        room = open_room(instructor, community, name="tutors", access="members")
        chat.add_room_member(instructor, room, student)
        message = say(instructor, room, body="Marking rubric for the wombat essay")
    fresh(student, other_student)

    assert found(student, "wombat") == [("message", message.pk)]
    assert found(other_student, "wombat") == []
    assert found(other_student, "rubric essay") == []


def test_direct_messages_are_found_only_by_their_parties(
    committed, community, student, other_student, moderator
):
    admin = UserFactory(is_superuser=True)
    with committed():
        room = chat.start_conversation(student, [other_student])
        message = say(student, room, body="My axolotl password hint")
    assert room.kind == Room.Kind.DIRECT

    assert found(student, "axolotl") == [("message", message.pk)]
    assert found(other_student, "axolotl") == [("message", message.pk)]
    assert found(moderator, "axolotl") == []
    assert found(admin, "axolotl") == []


def test_edited_and_deleted_messages_follow_in_the_index(
    committed, community, instructor, student
):
    with committed():
        room = open_room(instructor, community, name="lounge")
        message = say(instructor, room, body="Meet at the narwhal statue")
    with committed():
        chat.edit_message(instructor, message, body="Meet at the pelican statue")

    assert found(student, "narwhal") == []
    assert found(student, "pelican") == [("message", message.pk)]

    with committed():
        chat.delete_message(instructor, message)

    assert found(student, "pelican") == []
    assert not Document.objects.filter(kind="message").exists()


# --- study groups ---------------------------------------------------------------


def test_hidden_group_is_found_only_by_its_members(
    committed, community, student, other_student, moderator
):
    with committed():
        hidden = make_group(
            student, community, name="Capybara circle", visibility="hidden"
        )
        open_group = make_group(student, community, name="Capybara open night")
    fresh(student, other_student, moderator)

    assert sorted(found(student, "capybara")) == sorted(
        [("group", hidden.pk), ("group", open_group.pk)]
    )
    assert found(other_student, "capybara") == [("group", open_group.pk)]
    assert found(moderator, "capybara circle") == []
    assert found(other_student, "", kind="group") == [("group", open_group.pk)]


def test_group_edits_are_indexed(committed, community, student, other_student):
    with committed():
        group = make_group(student, community, name="Topology crew")
    with committed():
        groups.update_group(
            student,
            group,
            groups.GroupFields(name="Topology crew", goal="Survive the manifold exam"),
        )

    assert found(other_student, "manifold") == [("group", group.pk)]


def test_group_in_a_private_community_is_not_found_by_outsiders(committed, outsider):
    seminar = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    member = make_member(seminar, "student")
    with committed():
        group = make_group(member, seminar, name="Ocelot readers")

    assert found(member, "ocelot") == [("group", group.pk)]
    assert found(outsider, "ocelot") == []


# --- library resources ----------------------------------------------------------


def test_resource_on_a_group_shelf_is_found_only_by_the_group(
    committed, community, student, other_student
):
    with committed():
        group = make_group(student, community, name="Readers")
        shelf = library.add_item(
            student,
            community,
            library.ItemFields(title="Pangolin anatomy"),
            group=group,
        )
        shared = library.add_item(
            student,
            community,
            library.ItemFields(title="Pangolin field guide", summary="A survey"),
        )
    fresh(student, other_student)

    assert sorted(found(student, "pangolin")) == sorted(
        [("resource", shelf.pk), ("resource", shared.pk)]
    )
    assert found(other_student, "pangolin") == [("resource", shared.pk)]


def test_deleted_resource_leaves_the_index(committed, community, student):
    with committed():
        item = library.add_item(
            student, community, library.ItemFields(title="Tapir ecology")
        )
    assert found(student, "tapir") == [("resource", item.pk)]

    with committed():
        library.delete_item(student, item)

    assert found(student, "tapir") == []


# --- opportunities ----------------------------------------------------------------


def test_opportunity_is_found_by_those_who_see_its_community(committed, outsider):
    seminar = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    mentor = make_member(seminar, "mentor")
    peer = make_member(seminar, "student")
    with committed():
        job = profiles.post_opportunity(
            mentor,
            seminar,
            kind="internship",
            title="Lemur tracking internship",
            description="Fieldwork in the **rainforest**",
            apply_url="https://example.org/apply",
            deadline=timezone.localdate() + timedelta(days=9),
        )

    assert found(peer, "rainforest") == [("opportunity", job.pk)]
    assert found(peer, "lemur", kind="opportunity") == [("opportunity", job.pk)]
    assert found(outsider, "lemur") == []


# --- people ---------------------------------------------------------------------------


def test_people_are_found_by_name_only_where_their_profile_may_be_seen(
    committed, community, student, other_student, outsider, anonymous
):
    with committed():
        profiles.update_profile(student, **profile_data(headline="Okapi researcher"))
    fresh(other_student, outsider)

    assert found(other_student, student.display_name) == [("person", student.pk)]
    assert found(other_student, "okapi") == [("person", student.pk)]
    assert found(outsider, "okapi") == []
    assert found(anonymous, student.display_name) == []

    with committed():
        profiles.update_profile(
            student,
            **profile_data(
                headline="Okapi researcher",
                headline_visibility="public",
                is_public=True,
            ),
        )

    assert found(anonymous, "okapi") == [("person", student.pk)]
    # Fields shown only to community members stay out once anyone may look.
    assert found(anonymous, "bio-marker") == []


def test_profile_fields_hidden_from_some_viewers_are_never_indexed(
    committed, community, student, other_student
):
    with committed():
        profiles.update_profile(
            student,
            **profile_data(
                bio="Secretly a flamingo keeper",
                bio_visibility="connections",
                interests="Dugongs",
                interests_visibility="only_me",
            ),
        )

    assert found(other_student, "flamingo") == []
    assert found(other_student, "dugongs") == []
    assert found(student, "flamingo") == []
    assert "flamingo" not in Document.objects.get(kind="person").body.lower()


def test_deactivated_people_leave_the_index(
    committed, community, student, other_student
):
    with committed():
        profiles.update_profile(student, **profile_data(headline="Quetzal fan"))
    with committed():
        student.is_active = False
        student.save()

    assert found(other_student, "quetzal") == []


def test_rebuild_indexes_every_kind(community, instructor, student):
    room = open_room(instructor, community, name="lounge")
    say(instructor, room, body="Iguana")
    make_group(student, community, name="Iguana club")
    library.add_item(student, community, library.ItemFields(title="Iguana atlas"))
    Profile.objects.create(user=student, headline="Iguana keeper")

    indexing.rebuild()

    assert {kind for kind, _ in found(student, "iguana")} == {
        "message",
        "group",
        "resource",
        "person",
    }


# --- the page and the API ----------------------------------------------------------


def test_search_page_filters_by_kind_and_lists_every_kind(
    client, committed, community, instructor, student
):
    with committed():
        room = open_room(instructor, community, name="lounge")
        say(instructor, room, body="Gecko sighting near the library")
        group = make_group(student, community, name="Gecko watchers")
    client.force_login(student)

    response = client.get("/search/", {"q": "gecko", "kind": "group"})

    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="/g/{group.pk}/"' in page
    assert "sighting" not in page
    for label in ("Chat messages", "Study groups", "People", "Library resources"):
        assert f">{label}</option>" in page


def test_api_search_filters_by_kind_and_hides_other_rooms(
    client, committed, community, instructor, student, other_student
):
    with committed():
        lounge = open_room(instructor, community, name="lounge")
        tutors = open_room(instructor, community, name="tutors", access="members")
        public = say(instructor, lounge, body="Ibis migration notes")
        say(instructor, tutors, body="Ibis exam answers")
        make_group(student, community, name="Ibis fans")
    client.force_login(other_student)

    response = client.get("/api/v1/search", {"q": "ibis", "kind": "message"})

    body = response.json()
    assert response.status_code == 200
    assert [(i["kind"], i["id"]) for i in body["items"]] == [("message", public.pk)]
    assert "answers" not in response.content.decode()
