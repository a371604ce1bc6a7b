"""What the analytics count, and what they never show."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from studyhall.analytics.services import Figure, Line, community_report, protect
from studyhall.chat import services as chat
from studyhall.communities.models import Community
from studyhall.discussions import services as discussions
from studyhall.discussions.models import Post
from tests.analytics.helpers import (
    each_answers,
    each_asks,
    each_chats,
    learners,
    no_line_gives_away_a_suppressed_figure,
    this_week,
    weeks_ago,
)
from tests.discussions.helpers import answer, ask
from tests.factories import make_group, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(community, instructor):
    return chat.create_room(instructor, community, name="lounge")


def names_on(community):
    community.analytics_show_names = True
    community.save()


def test_counts_threads_replies_and_chat_messages_per_week(community, instructor, room):
    people = learners(community, 6)
    threads = each_asks(people, community)
    each_answers(people, threads[0])
    each_chats(people, room)

    report = community_report(instructor, community)

    week = this_week(report.weeks)
    assert [week.cells[s].shown for s in ("threads", "replies", "chat")] == [6, 6, 6]
    assert week.total.shown == 18
    assert week.active.shown == 6
    assert report.period.total.shown == 18
    assert [w.total.value for w in report.weeks[:-1]] == [0] * 11


def test_a_week_ago_is_counted_in_its_own_week(community, instructor):
    people = learners(community, 5)
    for thread in each_asks(people, community):
        weeks_ago(thread.posts.get(number=1), 1)

    report = community_report(instructor, community)

    assert report.weeks[-2].cells["threads"].shown == 5
    assert this_week(report.weeks).cells["threads"].shown == 0


def test_chat_is_left_out_when_the_community_says_so(community, instructor, room):
    people = learners(community, 5)
    each_chats(people, room)
    community.analytics_include_chat = False
    community.save()

    report = community_report(instructor, community)

    assert report.series == ("threads", "replies")
    assert "chat" not in report.period.cells
    assert report.period.total.value == 0


def test_learners_silent_for_weeks_after_taking_part_drift_away(community, instructor):
    names_on(community)
    gone = make_member(community, "student", display_name="Gone Quiet")
    still = make_member(community, "student", display_name="Still Here")
    weeks_ago(ask(gone, community, title="Early question").posts.get(number=1), 5)
    weeks_ago(ask(still, community, title="Early too").posts.get(number=1), 5)
    ask(still, community, title="Recent question")

    report = community_report(instructor, community)

    assert [r.label for r in report.drifting_learners] == ["Gone Quiet"]
    assert report.drifting.value == 1


def test_drifting_learners_are_only_counted_without_names(community, instructor):
    quiet = learners(community, 5)
    for p in quiet:
        weeks_ago(ask(p, community, title="Old").posts.get(number=1), 6)

    report = community_report(instructor, community)

    assert report.drifting.shown == 5
    assert report.drifting_learners == []


def test_figures_about_fewer_people_than_the_smallest_group_are_suppressed(
    community, instructor
):
    each_asks(learners(community, 2), community)

    report = community_report(instructor, community)

    week = this_week(report.weeks)
    assert week.cells["threads"].shown is None
    assert week.active.shown is None
    assert week.cells["replies"].shown == 0  # about nobody: nothing to hide
    assert report.period.cells["threads"].shown is None


def test_a_lower_smallest_group_shows_small_figures(community, instructor):
    each_asks(learners(community, 2), community)
    community.analytics_min_group = 2
    community.save()

    report = community_report(instructor, community)

    assert this_week(report.weeks).cells["threads"].shown == 2


def test_a_suppressed_figure_cannot_be_found_by_subtracting_from_a_total(
    community, instructor, room
):
    many = learners(community, 6)
    few = many[:2]
    threads = each_asks(many, community)
    each_answers(few, threads[0])  # two people: suppressed
    each_chats(many, room)

    report = community_report(instructor, community)

    week = this_week(report.weeks)
    assert week.cells["replies"].is_suppressed
    # Threads and chat both have 6 people, but one of them (or the total)
    # must go too, or total - threads - chat would give the replies.
    others = [week.cells["threads"], week.cells["chat"], week.total]
    assert any(f.is_suppressed for f in others)
    assert no_line_gives_away_a_suppressed_figure(report)


def test_protection_suppresses_the_smallest_other_figure_of_a_line():
    def line(threads, replies, chat, people):
        cells = {
            "threads": Figure(threads, people[0]),
            "replies": Figure(replies, people[1]),
            "chat": Figure(chat, people[2]),
        }
        total = Figure(threads + replies + chat, max(people))
        return Line("w", None, cells, total, Figure(max(people), max(people)))

    week = line(10, 2, 30, (6, 2, 8))
    period = line(10, 2, 30, (6, 2, 8))
    period.cells["replies"].people = 5  # shown in the period, hidden in the week

    protect([week], period, ("threads", "replies", "chat"), 5)

    assert week.cells["replies"].is_suppressed
    assert week.cells["threads"].is_suppressed  # the smallest other one
    assert not week.cells["chat"].is_suppressed
    # The columns then lose their only secret through the period figures.
    assert period.cells["replies"].is_suppressed or period.total.is_suppressed


def test_when_no_other_figure_can_go_the_total_goes():
    # Only reachable when a total counts more people than its figures (a rule
    # kept for safety): the one suppressed figure is otherwise the total.
    cells = {"threads": Figure(3, 3), "replies": Figure(0, 0)}
    week = Line("w", None, cells, Figure(3, 6), Figure(6, 6))
    period = Line(
        "p",
        None,
        {"threads": Figure(3, 6), "replies": Figure(0, 0)},
        Figure(3, 6),
        Figure(6, 6),
    )

    protect([week], period, ("threads", "replies"), 5)

    assert week.cells["threads"].is_suppressed
    assert week.total.is_suppressed


def test_anonymous_posts_are_counted_but_never_attributed(community, instructor):
    names_on(community)
    community.anonymity = Community.Anonymity.ANONYMOUS_TO_PEERS
    community.save()
    shy = make_member(community, "student", display_name="Shy Person")
    named = learners(community, 5)
    for _ in range(3):
        ask(shy, community, title="Private worry", is_anonymous=True)
    each_asks(named, community)
    for p in named:
        ask(p, community, title="Again")

    report = community_report(instructor, community)

    assert "Shy Person" not in [r.label for r in report.top]
    assert all(r.posts == 2 for r in report.top)
    assert report.anonymous_posts.value == 3
    assert report.anonymous_posts.is_suppressed  # one person behind it
    assert report.period.cells["threads"].shown == 13


def test_private_rooms_direct_messages_group_rooms_and_hidden_posts_are_not_counted(
    community, instructor, room
):
    people = learners(community, 5)
    secret = chat.create_room(instructor, community, name="staff", access="members")
    chat.send_message(instructor, secret, body="members only")
    dm = chat.start_conversation(people[0], [people[1]])
    chat.send_message(people[0], dm, body="just us")
    hideout = make_group(people[0], community, name="den", visibility="hidden")
    chat.send_message(people[0], hideout.room, body="in the den")
    ask(people[0], community, title="Board", category=hideout.board)
    thread = ask(people[1], community, title="Visible question")
    discussions.delete_post(people[1], answer(people[1], thread, body="gone"))
    Post.objects.filter(pk=answer(people[2], thread, body="hidden").pk).update(
        is_hidden=True
    )

    report = community_report(instructor, community)

    assert report.period.cells["chat"].value == 0
    assert report.period.cells["threads"].value == 1
    assert report.period.cells["replies"].value == 0


def test_top_contributors_are_pseudonymous_without_names(community, instructor, room):
    people = learners(community, 5, display_name="Named Learner")
    each_asks(people, community)
    each_chats(people[:1], room)

    report = community_report(instructor, community)

    assert [r.label for r in report.top][:2] == ["Learner 1", "Learner 2"]
    assert report.top[0].contributions == 2
    assert all(r.handle is None for r in report.top)


def test_top_contributors_are_withheld_when_too_few_learners_take_part(
    community, instructor
):
    each_asks(learners(community, 3), community)

    report = community_report(instructor, community)

    assert report.is_top_withheld
    assert report.top == []


def test_top_contributors_are_named_where_the_community_shows_names(
    community, instructor
):
    names_on(community)
    alice = make_member(community, "student", display_name="Alice Able")
    ask(alice, community, title="One")
    ask(alice, community, title="Two")

    report = community_report(instructor, community)

    assert report.top[0].label == "Alice Able"
    assert report.top[0].handle == alice.handle
    assert report.top[0].posts == 2


def test_staff_posts_count_in_totals_but_not_among_learners(community, instructor):
    ask(instructor, community, title="Welcome")

    report = community_report(instructor, community)

    assert report.period.cells["threads"].value == 1
    assert report.learners_taking_part.value == 0


def test_unanswered_questions_are_listed_oldest_first_with_their_age(
    community, instructor, student
):
    old = weeks_ago(ask(student, community, title="Old one").posts.get(number=1), 2)
    ask(student, community, title="New one")
    answered = ask(student, community, title="Answered")
    answer(instructor, answered)
    ask(student, community, title="A discussion", kind="discussion")

    report = community_report(instructor, community)

    assert [q.title for q in report.unanswered] == ["Old one", "New one"]
    assert report.unanswered[0].thread_id == old.thread_id
    assert report.unanswered[0].age_days == 14
    assert report.unanswered_count == 2


def test_a_student_cannot_see_analytics(community, student):
    with pytest.raises(PermissionDenied):
        community_report(student, community)
