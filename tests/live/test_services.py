"""Live sessions: polls with one ballot per person (also under concurrency),
questions, hands, reactions, attendance, the recap and the event stream."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection

from studyhall.communities.models import Community
from studyhall.core.errors import DomainError
from studyhall.live import selectors, services
from studyhall.live.models import Ballot, LiveSession
from studyhall.realtime.models import Event
from studyhall.realtime.selectors import can_follow
from tests.factories import make_group, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(instructor, community):
    return services.open_live_session(instructor, community, title="Week 3 Q&A")


def test_only_teachers_or_organizers_host(student, community, instructor):
    with pytest.raises(PermissionDenied):
        services.open_live_session(student, community, title="x")
    group = make_group(student, community)

    hosted = services.open_live_session(student, community, title="Ours", group=group)

    assert hosted.group == group


def test_poll_vote_counts_once_and_publishes_counts(live, instructor, student):
    poll = services.create_poll(
        instructor, live, question="Ready?", options=["Yes", "No"]
    )
    yes = poll.options.get(text="Yes")

    services.vote(student, poll, option_ids=[yes.pk])
    with pytest.raises(DomainError) as caught:
        services.vote(student, poll, option_ids=[yes.pk])

    assert caught.value.code == "already_voted"
    assert services.poll_counts(poll)[yes.pk] == 1
    event = Event.objects.filter(stream=f"live.{live.pk}", type="poll.voted").get()
    assert event.payload["counts"][str(yes.pk)] == 1
    assert "user" not in str(event.payload)


def test_bad_votes_and_polls_are_refused(live, instructor, student):
    with pytest.raises(ValidationError):
        services.create_poll(instructor, live, question="Q", options=["only"])
    with pytest.raises(ValidationError):
        services.create_poll(instructor, live, question="Q", options=["a", "a"])
    with pytest.raises(PermissionDenied):
        services.create_poll(student, live, question="Q", options=["a", "b"])
    poll = services.create_poll(instructor, live, question="Q", options=["a", "b"])
    ids = list(poll.options.values_list("pk", flat=True))
    with pytest.raises(ValidationError):
        services.vote(student, poll, option_ids=ids)
    with pytest.raises(ValidationError):
        services.vote(student, poll, option_ids=[999999])
    services.set_poll_open(instructor, poll, is_open=False)
    with pytest.raises(DomainError):
        services.vote(student, poll, option_ids=ids[:1])


def test_multiple_choice_and_named_results(live, instructor, student):
    poll = services.create_poll(
        instructor,
        live,
        question="Which?",
        options=["a", "b", "c"],
        kind="multiple",
        is_anonymous=False,
    )
    ids = list(poll.options.values_list("pk", flat=True))

    services.vote(student, poll, option_ids=ids[:2])

    view = selectors.live_page(instructor, live).polls[0]
    assert [r.count for r in view.results] == [1, 1, 0]
    assert view.results[0].voters == [student.display_name]


@pytest.mark.django_db(transaction=True)
def test_parallel_votes_by_one_person_count_once(community):
    host = make_member(community, "instructor")
    voter = make_member(community, "student")
    live = services.open_live_session(host, community, title="Race")
    poll = services.create_poll(host, live, question="Q", options=["a", "b"])
    option = poll.options.first().pk
    others = [make_member(community, "student") for _ in range(4)]
    outcomes: list[tuple[int, str]] = []
    lock = threading.Lock()

    def cast(person):
        close_old_connections()
        try:
            services.vote(person, poll, option_ids=[option])
            result = "ok"
        except DomainError as error:
            result = error.code
        except Exception as error:  # SQLite may report the lock instead
            result = type(error).__name__
        finally:
            connection.close()
        with lock:
            outcomes.append((person.pk, result))

    threads = [threading.Thread(target=cast, args=(voter,)) for _ in range(6)]
    threads += [threading.Thread(target=cast, args=(p,)) for p in others]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    accepted = [pk for pk, result in outcomes if result == "ok"]
    ballots = Ballot.objects.filter(poll=poll)
    assert accepted.count(voter.pk) <= 1
    assert ballots.filter(user=voter).count() <= 1
    assert services.poll_counts(poll)[option] == ballots.count()
    if connection.vendor == "postgresql":
        assert ballots.count() == len(accepted)
        # Row locks, not a file lock: every distinct voter gets through.
        assert len(accepted) == 5
        assert [r for pk, r in outcomes if pk == voter.pk].count("already_voted") == 5


def test_questions_sort_by_votes_and_hide_anonymous_authors(
    community, instructor, student, other_student
):
    Community.objects.filter(pk=community.pk).update(anonymity="anonymous_to_peers")
    community.refresh_from_db()
    live = services.open_live_session(instructor, community, title="Q&A")
    quiet = services.ask_question(student, live, body="Shy question", is_anonymous=True)
    loud = services.ask_question(other_student, live, body="Loud question")
    services.upvote_question(student, loud)
    third = make_member(community, "student")
    services.upvote_question(third, quiet)
    services.upvote_question(other_student, quiet)

    page = selectors.live_page(third, live)
    assert [q.question.body for q in page.questions] == [
        "Shy question",
        "Loud question",
    ]
    assert page.questions[0].author.name == "Anonymous"
    assert (
        student.display_name
        in selectors.live_page(instructor, live).questions[0].author.name
    )
    with pytest.raises(DomainError):
        services.upvote_question(student, quiet)
    assert services.upvote_question(third, quiet) is False
    services.mark_question(instructor, loud, answered=True, pinned=True)
    assert selectors.live_page(third, live).questions[0].question == loud


def test_anonymous_questions_follow_the_community_setting(live, student):
    with pytest.raises(ValidationError):
        services.ask_question(student, live, body="x", is_anonymous=True)


def test_hands_queue_and_reactions(live, instructor, student):
    hand = services.raise_hand(student, live)
    with pytest.raises(DomainError):
        services.raise_hand(student, live)
    services.clear_hand(instructor, hand)
    services.raise_hand(student, live)
    services.react(student, live, emoji="👏")
    with pytest.raises(ValidationError):
        services.react(student, live, emoji="<b>")

    assert len(selectors.live_page(instructor, live).hands) == 1
    assert Event.objects.filter(stream=f"live.{live.pk}", type="reaction.sent").exists()


def test_ending_publishes_a_recap_thread(live, instructor, student):
    poll = services.create_poll(
        instructor, live, question="Clear?", options=["Yes", "No"]
    )
    services.vote(student, poll, option_ids=[poll.options.first().pk])
    services.ask_question(student, live, body="What about priors?")

    thread = services.end_live_session(instructor, live)

    body = thread.posts.get(number=1).body
    assert "Clear?" in body and "Yes: 1" in body
    assert "## Open questions" in body and "What about priors?" in body
    assert "1 people attended" in body
    live.refresh_from_db()
    assert not live.is_open and live.recap_thread == thread
    with pytest.raises(DomainError):
        services.ask_question(student, live, body="late")


def test_streams_follow_the_policy(live, student, outsider, community):
    group = make_group(student, community, visibility="hidden")
    hidden = services.open_live_session(student, community, title="h", group=group)

    assert can_follow(student, f"live.{live.pk}")
    assert not can_follow(outsider, f"live.{live.pk}")
    other = make_member(community, "student")
    assert not can_follow(other, f"live.{hidden.pk}")
    assert not can_follow(student, "live.999999")
    assert hidden not in selectors.live_sessions(other, community)
    assert LiveSession.objects.count() == 2


def test_live_page_works_without_javascript(client, live, instructor, student):
    client.force_login(instructor)
    client.post(
        f"/live/{live.pk}/polls/",
        {
            "question": "Pace?",
            "options": "Fast\nSlow",
            "kind": "single",
            "is_anonymous": "on",
        },
    )
    poll = live.polls.get()
    client.force_login(student)
    client.post(
        f"/live/{live.pk}/vote/", {"poll": poll.pk, "option": poll.options.first().pk}
    )
    again = client.post(
        f"/live/{live.pk}/vote/",
        {"poll": poll.pk, "option": poll.options.first().pk},
        follow=True,
    )
    assert "already voted" in again.content.decode()
    client.post(f"/live/{live.pk}/questions/", {"body": "Slides?"})
    page = client.get(f"/live/{live.pk}/").content.decode()
    assert "Slides?" in page and "<strong data-count>1</strong>" in page
    assert client.post(f"/live/{live.pk}/vote/", {"poll": "abc"}).status_code == 404
