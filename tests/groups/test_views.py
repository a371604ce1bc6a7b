"""Group pages: flat query counts, hidden groups 404, safe downloads, kept input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from studyhall.groups import services
from tests.factories import CommunityFactory, make_group, make_member

pytestmark = pytest.mark.django_db


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _fill_community(n):
    community = CommunityFactory()
    organizer = make_member(community, "student")
    for i in range(n):
        make_group(
            organizer, community, name=f"G{i}", visibility="hidden" if i % 3 else "open"
        )
    return community, organizer


def test_group_list_query_count_is_flat(client):
    small, viewer_a = _fill_community(3)
    large, viewer_b = _fill_community(30)

    client.force_login(viewer_a)
    few = _count(client, f"/c/{small.slug}/groups/")
    client.force_login(viewer_b)
    many = _count(client, f"/c/{large.slug}/groups/")

    assert few == many


def _fill_group(n):
    community = CommunityFactory()
    organizer = make_member(community, "student")
    group = make_group(organizer, community, capacity=100)
    start = (timezone.now() + dt.timedelta(days=2)).replace(tzinfo=None)
    for i in range(n):
        member = make_member(community, "student")
        services.join_group(member, group)
        task = services.create_task(
            organizer, group, title=f"T{i}", assignee_id=member.pk
        )
        services.comment_on_task(member, task, body="ok")
        services.add_resource(
            organizer, group, title=f"R{i}", url="https://example.org"
        )
        session = services.schedule_session(
            organizer,
            group,
            title=f"S{i}",
            local_start=start,
            time_zone="UTC",
            rrule="FREQ=WEEKLY;COUNT=3",
        )
        services.rsvp(member, session, answer="going")
    return group, organizer


def test_group_page_query_count_is_flat(client):
    small, a = _fill_group(2)
    large, b = _fill_group(12)

    client.force_login(a)
    few = _count(client, f"/g/{small.pk}/")
    client.force_login(b)
    many = _count(client, f"/g/{large.pk}/")

    assert few == many


def test_hidden_group_pages_are_404_for_non_members(
    client, student, other_student, community
):
    group = make_group(student, community, visibility="hidden", name="Quiet room")
    client.force_login(other_student)

    assert client.get(f"/g/{group.pk}/").status_code == 404
    assert client.get(f"/g/{group.pk}/library/").status_code == 404
    listing = client.get(f"/c/{community.slug}/groups/").content.decode()
    assert "Quiet room" not in listing
    board = client.get(f"/c/{community.slug}/").content.decode()
    assert "Quiet room" not in board
    assert client.get("/g/999999/").status_code == 404


def test_files_download_as_attachments_with_safe_type(client, student, community):
    group = make_group(student, community)
    resource = services.add_resource(
        student, group, title="Data", upload=SimpleUploadedFile("data.csv", b"a,b")
    )
    client.force_login(student)

    response = client.get(f"/g/resources/{resource.pk}/")

    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"].startswith("text/csv")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_rejected_group_form_keeps_what_was_typed(client, student, community):
    client.force_login(student)

    response = client.post(
        f"/c/{community.slug}/groups/new/",
        {"name": "Kept name", "capacity": 1, "visibility": "open", "time_zone": "UTC"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Kept name"' in body


def test_person_creates_joins_and_schedules_through_the_pages(
    client, student, other_student, community
):
    client.force_login(student)
    response = client.post(
        f"/c/{community.slug}/groups/new/",
        {
            "name": "Web group",
            "capacity": 5,
            "visibility": "open",
            "time_zone": "UTC",
            "availability": ["evenings"],
        },
    )
    assert response.status_code == 302
    pk = int(response["Location"].strip("/").split("/")[-1])
    day = (timezone.now() + dt.timedelta(days=3)).date().isoformat()
    response = client.post(
        f"/g/{pk}/sessions/new/",
        {
            "title": "Kickoff",
            "date": day,
            "time": "18:00",
            "time_zone": "Europe/Berlin",
            "duration_minutes": 60,
            "weeks": 4,
            "meeting_link": "https://meet.example.org/x",
        },
    )
    assert response.status_code == 302
    past = client.post(
        f"/g/{pk}/sessions/new/",
        {
            "title": "Old",
            "date": "2001-01-01",
            "time": "18:00",
            "time_zone": "UTC",
            "duration_minutes": 60,
            "weeks": 1,
        },
    )
    assert "That time has passed" in past.content.decode()
    client.force_login(other_student)
    assert client.post(f"/g/{pk}/join/").status_code == 302
    page = client.get(f"/g/{pk}/").content.decode()
    assert "Kickoff" in page and "Leave the group" in page
    assert client.get("/groups/mine/").status_code == 200


def test_group_page_links_members_to_the_group_room(
    client, student, other_student, community
):
    group = make_group(student, community, name="Stats crew")
    client.force_login(student)
    member_page = client.get(f"/g/{group.pk}/").content.decode()
    client.force_login(other_student)
    outsider_page = client.get(f"/g/{group.pk}/").content.decode()

    room_url = f"/chat/r/{group.room.pk}/"
    assert room_url in member_page
    assert room_url not in outsider_page
    assert client.get(room_url).status_code == 404


def test_group_room_shows_in_the_chat_list_and_links_back(
    client, student, other_student, community
):
    group = make_group(student, community, name="Stats crew")
    services.join_group(other_student, group)
    client.force_login(other_student)

    home = client.get("/chat/").content.decode()
    room = client.get(f"/chat/r/{group.room.pk}/").content.decode()
    rooms = client.get(f"/c/{community.slug}/chat/").content.decode()

    assert f"/chat/r/{group.room.pk}/" in home
    assert "study group in" in home
    assert f'href="/g/{group.pk}/"' in room
    assert f"/chat/r/{group.room.pk}/" not in rooms


def test_members_post_in_the_group_room_without_javascript(
    client, student, other_student, community
):
    group = make_group(student, community)
    services.join_group(other_student, group)
    client.force_login(other_student)

    response = client.post(
        f"/chat/r/{group.room.pk}/send/", {"body": "Hello group", "client_id": "a1"}
    )

    assert response.status_code == 302
    assert group.room.messages.get().body == "Hello group"


def test_organizer_declines_a_request_from_the_page(
    client, student, other_student, community
):
    from studyhall.groups.models import GroupMembership

    group = make_group(student, community, visibility="request")
    services.join_group(other_student, group)
    client.force_login(student)
    page = client.get(f"/g/{group.pk}/").content.decode()

    response = client.post(
        f"/g/{group.pk}/leave/", {"member": other_student.pk}, follow=True
    )

    assert f"Decline {other_student.display_name}" in page
    assert not GroupMembership.objects.filter(group=group, user=other_student).exists()
    assert "is no longer in the group" in response.content.decode()


def test_organizer_names_an_organizer_from_the_page(
    client, student, other_student, community
):
    from studyhall.groups.models import GroupMembership

    group = make_group(student, community)
    services.join_group(other_student, group)
    client.force_login(student)
    page = client.get(f"/g/{group.pk}/").content.decode()

    client.post(
        f"/g/{group.pk}/role/", {"member": other_student.pk, "role": "organizer"}
    )

    assert f"Make {other_student.display_name} an organizer" in page
    assert GroupMembership.objects.get(group=group, user=other_student).role == (
        "organizer"
    )
