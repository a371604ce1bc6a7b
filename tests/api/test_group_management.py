"""Running a study group and hosting live sessions through the API: editing,
requests, invitations, removal, resources, notes, and a live session from
opening to recap, each with its refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from studyhall.groups import services
from studyhall.groups.models import GroupMembership
from studyhall.live import services as live_services
from studyhall.live.models import HandRaise
from tests.api.conftest import error_code, get, send, signed_in
from tests.factories import make_group, make_member

pytestmark = pytest.mark.django_db


def test_organizer_edits_a_group_and_only_sent_fields_change(community, student):
    group = make_group(student, community, course="STAT101", capacity=6)
    client = signed_in(student)

    edited = send(
        client,
        "PATCH",
        f"/groups/{group.pk}",
        {"name": "Renamed", "availability": ["evenings"]},
    )

    assert edited.status_code == 200, edited.json()
    body = edited.json()
    assert (body["name"], body["course"], body["capacity"]) == ("Renamed", "STAT101", 6)
    assert body["availability"] == ["evenings"]
    group.room.refresh_from_db()
    assert group.room.name == "Renamed"


def test_editing_a_group_refuses_bad_input_and_strangers(
    community, student, other_student, outsider
):
    group = make_group(student, community)
    hidden = make_group(student, community, visibility="hidden")
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()

    bad = send(signed_in(student), "PATCH", f"/groups/{group.pk}", {"exam_date": past})
    peer = send(signed_in(other_student), "PATCH", f"/groups/{group.pk}", {"name": "x"})
    secret = send(
        signed_in(other_student), "PATCH", f"/groups/{hidden.pk}", {"name": "x"}
    )
    unknown = send(signed_in(student), "PATCH", "/groups/999999", {"name": "x"})

    assert bad.status_code == 422
    assert "exam_date" in bad.json()["error"]["fields"]
    assert peer.status_code == 403
    assert secret.status_code == 404
    assert unknown.status_code == 404


def test_organizer_approves_and_declines_requests(community, student):
    group = make_group(student, community, visibility="request")
    ana, ben = make_member(community, "student"), make_member(community, "student")
    services.join_group(ana, group)
    services.join_group(ben, group)
    client = signed_in(student)

    listed = get(client, f"/groups/{group.pk}/members").json()
    approved = send(client, "POST", f"/groups/{group.pk}/requests/{ana.pk}/approval")
    again = send(client, "POST", f"/groups/{group.pk}/requests/{ana.pk}/approval")
    declined = send(client, "DELETE", f"/groups/{group.pk}/members/{ben.pk}")

    assert {(m["user"], m["status"]) for m in listed} >= {
        (ana.pk, "requested"),
        (ben.pk, "requested"),
    }
    assert approved.json() == {"group": group.pk, "status": "active", "role": "member"}
    assert again.status_code == 409
    assert error_code(again) == "not_requested"
    assert declined.status_code == 204
    assert not GroupMembership.objects.filter(group=group, user=ben).exists()
    assert ana.pk in set(group.room.members.values_list("user_id", flat=True))


def test_only_organizers_approve_remove_or_invite(community, student, other_student):
    group = make_group(student, community, visibility="request")
    asker = make_member(community, "student")
    services.join_group(asker, group)
    peer = signed_in(other_student)

    assert (
        send(
            peer, "POST", f"/groups/{group.pk}/requests/{asker.pk}/approval"
        ).status_code
        == 403
    )
    assert (
        send(peer, "DELETE", f"/groups/{group.pk}/members/{asker.pk}").status_code
        == 403
    )
    assert (
        send(
            peer, "POST", f"/groups/{group.pk}/invitations", {"handle": "x"}
        ).status_code
        == 403
    )
    organizer = signed_in(student)
    assert (
        send(
            organizer, "POST", f"/groups/{group.pk}/requests/999999/approval"
        ).status_code
        == 404
    )
    assert (
        send(organizer, "DELETE", f"/groups/{group.pk}/members/999999").status_code
        == 404
    )


def test_members_of_hidden_groups_see_requests_others_get_404(
    community, student, other_student
):
    group = make_group(student, community, visibility="hidden")
    peer = signed_in(other_student)

    assert get(peer, f"/groups/{group.pk}/members").status_code == 404
    assert (
        send(peer, "DELETE", f"/groups/{group.pk}/members/{student.pk}").status_code
        == 404
    )


def test_organizer_invites_by_handle_and_the_invitee_accepts(
    community, student, other_student
):
    group = make_group(student, community, visibility="invite")
    client = signed_in(student)

    invited = send(
        client,
        "POST",
        f"/groups/{group.pk}/invitations",
        {"handle": "@" + other_student.handle},
    )
    nobody = send(
        client, "POST", f"/groups/{group.pk}/invitations", {"handle": "nobody-here"}
    )
    accepted = send(signed_in(other_student), "POST", f"/groups/{group.pk}/membership")

    assert invited.status_code == 201
    assert invited.json()["status"] == "invited"
    assert nobody.status_code == 422
    assert accepted.json()["status"] == "active"


def test_members_get_the_room_id_and_outsiders_do_not(
    community, student, other_student
):
    group = make_group(student, community)

    mine = get(signed_in(student), f"/groups/{group.pk}").json()
    theirs = get(signed_in(other_student), f"/groups/{group.pk}").json()
    messages = get(signed_in(other_student), f"/rooms/{group.room.pk}/messages")

    assert mine["room"] == group.room.pk
    assert theirs["room"] is None
    assert messages.status_code == 404


def test_resources_comments_and_notes(community, student, other_student):
    group = make_group(student, community)
    client = signed_in(student)
    task = services.create_task(student, group, title="Read ch. 3")
    start = timezone.now() + dt.timedelta(days=1)
    session = services.schedule_session(
        student,
        group,
        title="Review",
        local_start=start.replace(tzinfo=None),
        time_zone="UTC",
    )

    link = send(
        client,
        "POST",
        f"/groups/{group.pk}/resources",
        {"title": "Notes", "url": "https://example.org/notes"},
    )
    bad_link = send(
        client,
        "POST",
        f"/groups/{group.pk}/resources",
        {"title": "Notes", "url": "ftp://example.org"},
    )
    listed = get(client, f"/groups/{group.pk}/resources").json()
    comment = send(client, "POST", f"/tasks/{task.pk}/comments", {"body": "Done?"})
    notes = send(client, "PUT", f"/sessions/{session.pk}/notes", {"notes": "We did"})
    stranger = signed_in(other_student)

    assert link.status_code == 201
    assert bad_link.status_code == 422
    assert [r["title"] for r in listed] == ["Notes"]
    assert comment.status_code == 201 and comment.json()["body"] == "Done?"
    assert notes.json() == {"notes": "We did"}
    assert get(stranger, f"/groups/{group.pk}/resources").status_code == 404
    assert (
        send(stranger, "POST", f"/tasks/{task.pk}/comments", {"body": "x"}).status_code
        == 404
    )
    assert (
        send(
            stranger, "PUT", f"/sessions/{session.pk}/notes", {"notes": "x"}
        ).status_code
        == 404
    )


def test_suggested_groups_leave_out_hidden_ones(community, student, other_student):
    make_group(student, community, name="Open one")
    make_group(student, community, name="Hidden one", visibility="hidden")

    found = get(
        signed_in(other_student), f"/communities/{community.slug}/groups/suggested"
    )

    assert [g["name"] for g in found.json()] == ["Open one"]


# --- hosting live sessions -----------------------------------------------------


def test_instructor_hosts_a_live_session_from_open_to_recap(
    community, instructor, student
):
    host = signed_in(instructor)
    me = signed_in(student)

    opened = send(host, "POST", f"/communities/{community.slug}/live", {"title": "Q&A"})
    lid = opened.json()["id"]
    poll = send(
        host,
        "POST",
        f"/live/{lid}/polls",
        {"question": "Ready?", "options": ["yes", "no"], "kind": "single"},
    ).json()["polls"][0]
    closed = send(host, "PATCH", f"/live/{lid}/polls/{poll['id']}", {"is_open": False})
    late = send(
        me,
        "POST",
        f"/live/{lid}/polls/{poll['id']}/votes",
        {"options": [poll["options"][0]["id"]]},
    )
    qid = send(me, "POST", f"/live/{lid}/questions", {"body": "When?"}).json()[
        "questions"
    ][0]["id"]
    marked = send(host, "PATCH", f"/live/{lid}/questions/{qid}", {"answered": True})
    raised = send(me, "POST", f"/live/{lid}/hands")
    hand = HandRaise.objects.get(live_id=lid)
    cleared = send(host, "DELETE", f"/live/{lid}/hands/{hand.pk}")
    reacted = send(me, "POST", f"/live/{lid}/reactions", {"emoji": "👏"})
    listed = get(me, f"/communities/{community.slug}/live").json()
    ended = send(host, "POST", f"/live/{lid}/end")
    again = send(host, "POST", f"/live/{lid}/end")

    assert opened.status_code == 201
    assert closed.json()["polls"][0]["is_open"] is False
    assert late.status_code == 409
    assert marked.json()["questions"][0]["is_answered"] is True
    assert raised.json()["raised_hands"] == 1
    assert cleared.json()["raised_hands"] == 0
    assert reacted.status_code == 204
    assert [s["id"] for s in listed] == [lid]
    assert ended.status_code == 200
    assert ended.json()["recap_thread"] > 0
    assert again.status_code == 409
    assert error_code(again) == "live_ended"


def test_students_cannot_host_and_bad_input_is_refused(community, instructor, student):
    me = signed_in(student)
    live = live_services.open_live_session(instructor, community, title="Lecture")
    host = signed_in(instructor)

    opened = send(me, "POST", f"/communities/{community.slug}/live", {"title": "Mine"})
    poll = send(
        me, "POST", f"/live/{live.pk}/polls", {"question": "Q", "options": ["a", "b"]}
    )
    one_option = send(
        host, "POST", f"/live/{live.pk}/polls", {"question": "Q", "options": ["a"]}
    )
    end = send(me, "POST", f"/live/{live.pk}/end")
    no_title = send(host, "POST", f"/communities/{community.slug}/live", {"title": ""})
    unknown_poll = send(
        host, "PATCH", f"/live/{live.pk}/polls/999999", {"is_open": True}
    )
    unknown_live = send(host, "POST", "/live/999999/end")
    bad_emoji = send(me, "POST", f"/live/{live.pk}/reactions", {"emoji": "x"})

    assert opened.status_code == 403
    assert poll.status_code == 403
    assert one_option.status_code == 422
    assert end.status_code == 403
    assert no_title.status_code == 422
    assert unknown_poll.status_code == 404
    assert unknown_live.status_code == 404
    assert bad_emoji.status_code == 422


def test_group_organizer_hosts_for_the_group_and_hidden_stays_404(
    community, student, other_student
):
    group = make_group(student, community, visibility="hidden")
    start = timezone.now() + dt.timedelta(days=1)
    session = services.schedule_session(
        student,
        group,
        title="Review",
        local_start=start.replace(tzinfo=None),
        time_zone="UTC",
    )
    other = make_group(student, community, name="Other")
    other_session = services.schedule_session(
        student,
        other,
        title="Elsewhere",
        local_start=start.replace(tzinfo=None),
        time_zone="UTC",
    )
    organizer = signed_in(student)

    opened = send(
        organizer,
        "POST",
        f"/groups/{group.pk}/live",
        {"title": "Group live", "study_session": session.pk},
    )
    wrong = send(
        organizer,
        "POST",
        f"/groups/{group.pk}/live",
        {"title": "x", "study_session": other_session.pk},
    )
    stranger = signed_in(other_student)
    hidden = send(stranger, "POST", f"/groups/{group.pk}/live", {"title": "x"})
    peek = get(stranger, f"/live/{opened.json()['id']}")
    listed = get(stranger, f"/communities/{community.slug}/live").json()

    assert opened.status_code == 201
    assert opened.json()["group"] == group.pk
    assert wrong.status_code == 422
    assert hidden.status_code == 404
    assert peek.status_code == 404
    assert listed == []
    member_in_open_group = send(
        stranger, "POST", f"/groups/{other.pk}/live", {"title": "x"}
    )
    assert member_in_open_group.status_code == 403


def test_groups_are_created_with_organizers_who_can_be_changed(
    community, student, other_student
):
    client = signed_in(student)

    made = send(
        client,
        "POST",
        f"/communities/{community.slug}/groups",
        {"name": "Pair", "organizers": [other_student.handle]},
    )
    unknown = send(
        client,
        "POST",
        f"/communities/{community.slug}/groups",
        {"name": "Pair", "organizers": ["nobody-here"]},
    )
    gid = made.json()["id"]
    demoted = send(
        client, "PUT", f"/groups/{gid}/members/{other_student.pk}", {"role": "member"}
    )
    last = send(
        client, "PUT", f"/groups/{gid}/members/{student.pk}", {"role": "member"}
    )
    by_member = send(
        signed_in(other_student),
        "PUT",
        f"/groups/{gid}/members/{other_student.pk}",
        {"role": "organizer"},
    )

    assert made.status_code == 201
    assert unknown.status_code == 422
    assert demoted.json()["role"] == "member"
    assert last.status_code == 409
    assert error_code(last) == "last_organizer"
    assert by_member.status_code == 403


# --- files, tasks and calendar feeds ---------------------------------------------


def test_members_upload_files_within_the_limits(community, student, other_student):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.api.conftest import API

    group = make_group(student, community)
    client = signed_in(student)
    url = f"{API}/groups/{group.pk}/resources/files"

    ok = client.post(
        url, {"title": "Data", "file": SimpleUploadedFile("data.csv", b"a,b")}
    )
    bad_type = client.post(
        url, {"title": "Page", "file": SimpleUploadedFile("page.exe", b"MZ")}
    )
    stranger = signed_in(other_student).post(
        url, {"title": "x", "file": SimpleUploadedFile("x.csv", b"a")}
    )
    download = client.get(f"/g/resources/{ok.json()['id']}/")

    assert ok.status_code == 201
    assert ok.json()["file_name"] == "data.csv"
    assert bad_type.status_code == 422
    assert stranger.status_code == 404
    assert download["Content-Disposition"].startswith("attachment")


def test_a_task_shows_its_comments_to_members_only(community, student, other_student):
    group = make_group(student, community)
    task = services.create_task(student, group, title="Read")
    services.comment_on_task(student, task, body="Started")

    mine = get(signed_in(student), f"/tasks/{task.pk}")
    theirs = get(signed_in(other_student), f"/tasks/{task.pk}")

    assert [c["body"] for c in mine.json()["comments"]] == ["Started"]
    assert theirs.status_code == 404
    assert get(signed_in(student), "/tasks/999999").status_code == 404


def test_calendar_feeds_are_made_listed_parsed_and_revoked(
    community, student, other_student
):
    import icalendar

    group = make_group(student, community)
    start = timezone.now() + dt.timedelta(days=1)
    services.schedule_session(
        student,
        group,
        title="Weekly",
        local_start=start.replace(tzinfo=None),
        time_zone="Europe/Berlin",
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    client = signed_in(student)

    made = send(client, "POST", "/calendar-feeds", {"group": group.pk})
    mine = send(client, "POST", "/calendar-feeds", {})
    listed = get(client, "/calendar-feeds").json()
    calendar = icalendar.Calendar.from_ical(client.get(made.json()["url"]).content)
    other = send(
        signed_in(other_student), "POST", "/calendar-feeds", {"group": group.pk}
    )
    not_theirs = send(
        signed_in(other_student), "DELETE", f"/calendar-feeds/{mine.json()['id']}"
    )
    revoked = send(client, "DELETE", f"/calendar-feeds/{made.json()['id']}")

    assert made.status_code == mine.status_code == 201
    assert {f["id"] for f in listed} == {made.json()["id"], mine.json()["id"]}
    events = [c for c in calendar.walk("VEVENT")]
    assert [str(e["SUMMARY"]) for e in events] == ["Weekly"]
    assert "RRULE" in events[0]
    assert other.status_code == 404
    assert not_theirs.status_code == 404
    assert revoked.status_code == 204
    assert client.get(made.json()["url"]).status_code == 404


# --- the library -------------------------------------------------------------------


def test_library_items_are_rated_saved_commented_recommended_and_exported(
    community, student, instructor
):
    client = signed_in(student)
    item = send(
        client,
        "POST",
        f"/communities/{community.slug}/library",
        {"title": "On proofs", "doi": "doi:10.1145/123.456", "course": "MATH1"},
    ).json()
    iid = item["id"]

    useful = send(client, "PUT", f"/library/{iid}/useful")
    useful_again = send(client, "PUT", f"/library/{iid}/useful")
    saved = send(client, "PUT", f"/reading-list/{iid}")
    listed = get(client, "/reading-list").json()
    commented = send(client, "POST", f"/library/{iid}/comments", {"body": "Clear"})
    empty = send(client, "POST", f"/library/{iid}/comments", {"body": " "})
    comments = get(client, f"/library/{iid}/comments").json()
    by_student = send(client, "PUT", f"/library/{iid}/recommendations/MATH1")
    teacher = signed_in(instructor)
    recommended = send(teacher, "PUT", f"/library/{iid}/recommendations/MATH1")
    twice = send(teacher, "PUT", f"/library/{iid}/recommendations/MATH1")
    exported = get(client, f"/communities/{community.slug}/library/export.bib")
    unmarked = send(client, "DELETE", f"/library/{iid}/useful")
    unsaved = send(client, "DELETE", f"/reading-list/{iid}")
    shown = get(client, f"/library/{iid}").json()

    assert item["doi"] == "10.1145/123.456"
    assert useful.json() == useful_again.json() == {"is_on": True}
    assert saved.json() == {"is_on": True}
    assert [i["id"] for i in listed] == [iid]
    assert commented.status_code == 201
    assert empty.status_code == 422
    assert [c["body"] for c in comments] == ["Clear"]
    assert by_student.status_code == 403
    assert recommended.json() == {"course": "MATH1"}
    assert twice.status_code == 409
    assert "On proofs" in exported.content.decode()
    assert unmarked.json() == unsaved.json() == {"is_on": False}
    assert shown["useful_count"] == 0
    assert shown["recommended_for"] == ["MATH1"]


def test_group_shelves_are_for_members_only(community, student, other_student):
    group = make_group(student, community, visibility="hidden")
    client = signed_in(student)

    added = send(client, "POST", f"/groups/{group.pk}/library", {"title": "Our notes"})
    shelf = get(client, f"/groups/{group.pk}/library").json()
    exported = get(client, f"/groups/{group.pk}/library/export.bib")
    stranger = signed_in(other_student)

    assert added.status_code == 201
    assert [i["title"] for i in shelf["items"]] == ["Our notes"]
    assert "Our notes" in exported.content.decode()
    assert get(stranger, f"/groups/{group.pk}/library").status_code == 404
    assert get(stranger, f"/groups/{group.pk}/library/export.bib").status_code == 404
    assert get(stranger, f"/library/{added.json()['id']}").status_code == 404
    assert (
        send(stranger, "PUT", f"/reading-list/{added.json()['id']}").status_code == 404
    )
    assert (
        send(
            stranger, "POST", f"/groups/{group.pk}/library", {"title": "x"}
        ).status_code
        == 404
    )


def test_only_the_adder_or_a_moderator_deletes_an_item(
    community, student, other_student, moderator
):
    item = send(
        signed_in(student),
        "POST",
        f"/communities/{community.slug}/library",
        {"title": "Keep me"},
    ).json()

    peer = send(signed_in(other_student), "DELETE", f"/library/{item['id']}")
    mod = send(signed_in(moderator), "DELETE", f"/library/{item['id']}")

    assert peer.status_code == 403
    assert mod.status_code == 204
    assert send(signed_in(moderator), "DELETE", "/library/999999").status_code == 404


# --- flat query counts ---------------------------------------------------------------


def _count(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = get(client, path)
    assert response.status_code == 200, path
    return len(queries)


def _busy_group(community, n):
    from studyhall.library import services as library

    organizer = make_member(community, "instructor")
    group = make_group(organizer, community, capacity=400)
    for i in range(n):
        member = make_member(community, "student")
        services.join_group(member, group)
        services.add_resource(
            member, group, title=f"R{i}", url=f"https://example.org/{i}"
        )
        item = library.add_item(
            member, community, library.ItemFields(title=f"I{i}"), group=group
        )
        library.comment_on_item(member, item, body="ok")
        live_services.open_live_session(organizer, community, title=f"L{i}")
    return organizer, group


def test_group_api_lists_cost_the_same_at_any_size():
    from tests.factories import CommunityFactory

    small_community, large_community = CommunityFactory(), CommunityFactory()
    small_host, small = _busy_group(small_community, 2)
    large_host, large = _busy_group(large_community, 20)

    def counts(client, group):
        item = group.library_items.first()
        return [
            _count(client, f"/groups/{group.pk}/members"),
            _count(client, f"/groups/{group.pk}/resources"),
            _count(client, f"/groups/{group.pk}/library"),
            _count(client, f"/library/{item.pk}/comments"),
            _count(client, f"/communities/{group.community.slug}/live"),
        ]

    assert counts(signed_in(small_host), small) == counts(signed_in(large_host), large)
