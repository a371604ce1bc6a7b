"""Points from board events: rules, daily caps, self-reaction and reversal."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Sum

from studyhall.discussions import services as board
from studyhall.recognition import services
from studyhall.recognition.models import Kind, PointEvent
from tests.discussions.helpers import answer, ask

pytestmark = pytest.mark.django_db


def total(user) -> int:
    return PointEvent.objects.filter(user=user).aggregate(t=Sum("points"))["t"] or 0


def test_accepted_answer_earns_the_answerer_points(settle, community, student, mentor):
    with settle():
        thread = ask(student, community)
        reply = answer(mentor, thread)

    with settle():
        board.accept_answer(student, reply)

    assert total(mentor) == 15
    assert total(student) == 0


def test_accepting_another_answer_moves_the_points(
    settle, community, student, mentor, other_student
):
    with settle():
        thread = ask(student, community)
        first = answer(mentor, thread)
        second = answer(other_student, thread)
        board.accept_answer(student, first)

    with settle():
        board.accept_answer(student, second)

    assert total(mentor) == 0
    assert total(other_student) == 15


def test_unaccepting_reverses_the_points(settle, community, student, mentor):
    with settle():
        thread = ask(student, community)
        reply = answer(mentor, thread)
        board.accept_answer(student, reply)

    with settle():
        board.unaccept_answer(student, thread)

    assert total(mentor) == 0
    reversal = PointEvent.objects.get(reverses__isnull=False)
    assert reversal.points == -15 and reversal.reverses.open_key is None


def test_answering_your_own_question_earns_nothing(settle, community, student):
    with settle():
        thread = ask(student, community)
        reply = answer(student, thread)

    with settle():
        board.accept_answer(student, reply)

    assert total(student) == 0
    assert not PointEvent.objects.exists()


def test_reactions_earn_points_up_to_the_daily_cap(settle, community, student):
    from tests.factories import make_member

    with settle():
        thread = ask(student, community)
    fans = [make_member(community, "student") for _ in range(12)]

    with settle():
        for fan in fans:
            board.toggle_reaction(fan, thread.posts.get(number=1), kind="thanks")

    assert total(student) == 20  # 12 reactions x 2 points, capped at 20 a day
    assert PointEvent.objects.filter(user=student).count() == 12


def test_taking_a_reaction_back_reverses_its_points(settle, community, student, mentor):
    with settle():
        thread = ask(student, community)
        opening = thread.posts.get(number=1)
        board.toggle_reaction(mentor, opening, kind="thanks")

    with settle():
        board.toggle_reaction(mentor, opening, kind="thanks")

    assert total(student) == 0


def test_reacting_to_oneself_earns_nothing_even_if_the_event_says_so(
    community, student
):
    with pytest.raises(PermissionDenied):  # the board refuses it outright
        board.toggle_reaction(
            student, ask(student, community).posts.get(number=1), kind="thanks"
        )
    from studyhall.recognition import points_from_events

    thread = ask(student, community)
    post = thread.posts.get(number=1)
    points_from_events.apply(
        "reaction.changed",
        {"thread": thread.pk, "post": post.pk, "kind": "thanks", "on": "added"},
        student.pk,
    )

    assert total(student) == 0


def test_endorsement_earns_points_and_withdrawal_reverses_them(
    settle, community, student, instructor, mentor
):
    with settle():
        reply = answer(mentor, ask(student, community))

    with settle():
        board.endorse_post(instructor, reply)
    earned = total(mentor)
    with settle():
        board.endorse_post(instructor, reply, endorse=False)

    assert earned == 10
    assert total(mentor) == 0


def test_removing_a_post_reverses_all_its_points(
    settle, community, student, moderator, mentor, instructor
):
    with settle():
        thread = ask(student, community)
        reply = answer(mentor, thread)
        board.accept_answer(student, reply)
        board.endorse_post(instructor, reply)
        board.toggle_reaction(student, reply, kind="insightful")
    assert total(mentor) == 27

    with settle():
        board.delete_post(moderator, reply)

    assert total(mentor) == 0
    assert PointEvent.objects.filter(open_key__isnull=False).count() == 0


def test_removing_a_thread_reverses_points_earned_in_it(
    settle, community, student, moderator, mentor
):
    with settle():
        thread = ask(student, community)
        reply = answer(mentor, thread)
        board.accept_answer(student, reply)

    with settle():
        board.delete_post(moderator, thread.posts.get(number=1))

    assert total(mentor) == 0


def test_hearing_an_event_twice_awards_once(settle, community, student, mentor):
    from studyhall.recognition import points_from_events

    with settle():
        thread = ask(student, community)
        reply = answer(mentor, thread)
        board.accept_answer(student, reply)

    points_from_events.apply(
        "answer.accepted", {"thread": thread.pk, "post": reply.pk}, student.pk
    )

    assert total(mentor) == 15


def test_community_rules_change_points_and_caps(
    settle, community, student, mentor, instructor
):
    services.set_point_rules(
        instructor, community, rules={Kind.ANSWER_ACCEPTED: (40, 50)}
    )
    with settle():
        thread = ask(student, community)
        first = answer(mentor, thread)
        board.accept_answer(student, first)
        other = ask(student, community, title="Another question")
        second = answer(mentor, other)
        board.accept_answer(student, second)

    assert total(mentor) == 50


def test_students_cannot_change_rules(community, student):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.set_point_rules(
            student, community, rules={Kind.ANSWER_ACCEPTED: (99, None)}
        )


def test_bad_rule_values_are_refused_with_a_message(community, instructor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.set_point_rules(
            instructor,
            community,
            rules={Kind.ANSWER_ACCEPTED: (5000, None), "nope": (1, None)},
        )

    assert "answer_accepted_points" in error.value.message_dict
    assert "nope" in error.value.message_dict


def test_former_members_earn_nothing(community, student, outsider):
    event = services.award_points(
        community.pk, outsider.pk, Kind.KUDOS_RECEIVED, source_key="kudos:x"
    )

    assert event is None
