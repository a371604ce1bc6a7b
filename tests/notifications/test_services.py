"""Board events become notifications for the right people, and only them."""

from __future__ import annotations

import json

import pytest

from studyhall import policy
from studyhall.accounts.models import Block
from studyhall.communities.models import Membership
from studyhall.discussions import services as discussions
from studyhall.notifications import selectors, services
from studyhall.notifications.models import Kind, Level, Notification, TargetType
from studyhall.realtime.models import Event
from studyhall.realtime.selectors import can_follow
from tests.discussions.helpers import answer, ask
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def _of(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def test_reply_to_my_thread_notifies_me_with_a_link_to_the_exact_reply(
    committed, community, student, other_student
):
    thread = ask(student, community)

    with committed():
        post = answer(other_student, thread)

    (n,) = _of(student)
    assert n.kind == Kind.REPLY
    assert n.url.endswith(f"/t/{thread.pk}/?page=1#post-{post.number}")
    assert selectors.describe(student, n) == (
        f"{other_student.display_name} replied in “{thread.title}”"
    )


def test_nobody_is_notified_of_their_own_actions(committed, community, student):
    thread = ask(student, community)

    with committed():
        answer(student, thread, body=f"Answering myself, @{student.handle}.")

    assert _of(student) == []


def test_repeated_replies_collapse_into_one_notification(
    committed, community, student, other_student, mentor
):
    thread = ask(student, community)

    with committed():
        first = answer(other_student, thread)
        answer(mentor, thread)
        answer(other_student, thread)

    (n,) = _of(student)
    assert n.count == 3
    assert n.post_id == first.pk  # lands on the first new reply
    assert selectors.describe(student, n) == f"3 new replies in “{thread.title}”"


def test_a_read_notification_does_not_absorb_new_replies(
    committed, community, student, other_student
):
    thread = ask(student, community)
    with committed():
        answer(other_student, thread)
    services.mark_all_read(student)

    with committed():
        answer(other_student, thread)

    assert [n.count for n in _of(student)] == [1, 1]


def test_replying_to_a_post_notifies_its_author(
    committed, community, student, other_student, mentor
):
    thread = ask(student, community)
    services.set_subscription(student, TargetType.THREAD, thread.pk, level=Level.NORMAL)
    first = answer(other_student, thread)
    services.set_subscription(
        other_student, TargetType.THREAD, thread.pk, level=Level.TRACKING
    )

    with committed():
        answer(mentor, thread, reply_to=first)

    assert [n.kind for n in _of(other_student)] == [Kind.REPLY]
    assert _of(student) == []  # normal level: not every post


def test_mention_notifies_members_only_and_wins_over_reply(
    committed, community, student, other_student
):
    outsider = UserFactory(handle="faraway")
    thread = ask(student, community)

    with committed():
        answer(other_student, thread, body=f"@{student.handle} and @faraway, look")

    assert [n.kind for n in _of(student)] == [Kind.MENTION]
    assert _of(outsider) == []


def test_mention_by_someone_i_blocked_is_dropped(
    committed, community, student, other_student, mentor
):
    Block.objects.create(blocker=mentor, blocked=other_student)
    thread = ask(student, community)

    with committed():
        answer(other_student, thread, body=f"@{mentor.handle} what do you think?")

    assert _of(mentor) == []


def test_edit_that_adds_a_mention_notifies_once(
    committed, community, student, other_student, mentor
):
    thread = ask(student, community)
    post = answer(other_student, thread)

    with committed():
        discussions.edit_post(other_student, post, body=f"Also @{mentor.handle}")
        discussions.edit_post(other_student, post, body=f"Also @{mentor.handle}!")

    assert [n.kind for n in _of(mentor)] == [Kind.MENTION]


def test_anonymous_author_stays_anonymous_to_peers_and_named_to_staff(
    committed, community, student, other_student, instructor
):
    community.anonymity = "anonymous_to_peers"
    community.save()
    thread = ask(instructor, community, kind="discussion")
    answer(student, thread)

    with committed():
        answer(
            other_student,
            thread,
            body=f"@{student.handle} @{instructor.handle} me too",
            is_anonymous=True,
        )

    (peer_view,) = _of(student)
    (staff_view,) = _of(instructor)
    assert selectors.describe(student, peer_view).startswith("Anonymous mentioned")
    assert other_student.display_name not in selectors.describe(student, peer_view)
    assert other_student.display_name in selectors.describe(instructor, staff_view)


def test_accepting_and_endorsing_notify_the_author(
    committed, community, student, other_student, instructor
):
    thread = ask(student, community)
    post = answer(other_student, thread)
    post.thread = thread

    with committed():
        discussions.accept_answer(student, post)
        discussions.endorse_post(instructor, post)

    # (The endorsement also earns a badge, which has a notification of its own.)
    kinds = [n.kind for n in _of(other_student) if n.kind != Kind.BADGE]
    assert kinds == [Kind.ACCEPTED, Kind.ENDORSED]


def test_muting_a_thread_silences_even_mentions(
    committed, community, student, other_student
):
    thread = ask(student, community)
    services.set_subscription(student, TargetType.THREAD, thread.pk, level=Level.MUTED)

    with committed():
        answer(other_student, thread, body=f"@{student.handle} hello")

    assert _of(student) == []


def test_muting_a_person_silences_them_everywhere(
    committed, community, student, other_student
):
    services.mute_person(student, f"@{other_student.handle}")
    thread = ask(student, community)

    with committed():
        answer(other_student, thread, body=f"@{student.handle} hello")
        other = ask(other_student, community, title=f"Hey @{student.handle}")
        answer(other_student, other, body=f"@{student.handle}")

    assert _of(student) == []


def test_watching_a_community_hears_of_new_threads_and_every_reply(
    committed, community, student, other_student, mentor
):
    services.set_subscription(
        mentor, TargetType.COMMUNITY, community.pk, level=Level.WATCHING
    )

    with committed():
        thread = ask(student, community)
        answer(other_student, thread)

    assert [n.kind for n in _of(mentor)] == [Kind.THREAD, Kind.REPLY]


def test_tracking_counts_new_posts_quietly_while_normal_hears_only_of_me(
    committed, smtp, community, student, other_student, mentor
):
    tracker = make_member(community, "student")
    thread = ask(student, community)
    first = answer(other_student, thread)
    services.set_subscription(
        tracker, TargetType.THREAD, thread.pk, level=Level.TRACKING
    )
    services.set_subscription(student, TargetType.THREAD, thread.pk, level=Level.NORMAL)

    with committed():
        answer(mentor, thread)
        answer(mentor, thread, reply_to=first)
        answer(mentor, thread, body=f"Thanks @{tracker.handle}")

    counted, mentioned = _of(tracker)
    assert (counted.kind, counted.count) == (Kind.ACTIVITY, 2)
    assert selectors.describe(tracker, counted) == f"2 new posts in “{thread.title}”"
    assert mentioned.kind == Kind.MENTION
    assert _of(student) == []  # normal: nothing that is not about me
    assert [n.kind for n in _of(other_student)] == [Kind.REPLY]  # a reply to me
    # The count is never emailed; the mention and the reply are.
    assert {m["To"] for m in smtp.messages} == {tracker.email, other_student.email}
    assert len(smtp.to(tracker.email)) == 1
    assert selectors.unread_count(tracker) == 2


def test_watching_a_study_group_hears_of_its_board(
    committed, community, student, other_student, mentor
):
    from studyhall.discussions.models import Category
    from tests.factories import make_group

    group = make_group(student, community)
    services.set_subscription(mentor, TargetType.GROUP, group.pk, level=Level.WATCHING)

    with committed():
        thread = ask(
            other_student, community, category=Category.objects.get(pk=group.board_id)
        )

    assert [n.thread_id for n in _of(mentor)] == [thread.pk]


def test_a_thread_level_overrides_the_community_level(
    committed, community, student, other_student, mentor
):
    services.set_subscription(
        mentor, TargetType.COMMUNITY, community.pk, level=Level.WATCHING
    )
    thread = ask(student, community)
    services.set_subscription(mentor, TargetType.THREAD, thread.pk, level=Level.MUTED)

    with committed():
        answer(other_student, thread)

    assert [n.kind for n in _of(mentor)] == []


def test_leaving_a_private_community_hides_its_notifications(
    committed, community, student, other_student
):
    thread = ask(student, community)
    with committed():
        answer(other_student, thread)
    assert selectors.unread_count(student) == 1

    Membership.objects.filter(user=student).delete()
    policy.forget(student)

    assert selectors.unread_count(student) == 0
    assert selectors.notification_page(student)[0].items == []


def test_no_notification_for_a_target_the_recipient_cannot_see(community, student):
    other = CommunityFactory()
    thread = ask(make_member(other, "student"), other)

    made = services.notify(student, Kind.MODERATION, target=thread, text="x")

    assert made is None


def test_other_apps_notify_with_their_own_kind_text_and_url(community, student, mentor):
    made = services.notify(
        student,
        Kind.BADGE,
        actor=mentor,
        url="/badges/1/",
        text="You earned the Helper badge",
        group_key="badge:helper",
    )

    (item,) = selectors.notification_page(student)[0].items
    assert made is not None and item.text == "You earned the Helper badge"
    assert item.url == "/badges/1/"


def test_unknown_kind_is_refused(student):
    with pytest.raises(ValueError):
        services.notify(student, "nonsense")


def test_notify_publishes_the_unread_count_on_the_personal_stream(
    committed, community, student
):
    with committed():
        services.notify(student, Kind.BADGE, text="One")
        services.notify(student, Kind.BADGE, text="Two")

    events = Event.objects.filter(stream=f"user.{student.pk}").order_by("sequence")
    assert [json.loads(json.dumps(e.payload))["unread"] for e in events] == [1, 2]


def test_only_the_person_may_follow_their_stream(student, other_student, anonymous):
    stream = f"user.{student.pk}"

    assert can_follow(student, stream)
    assert not can_follow(other_student, stream)
    assert not can_follow(anonymous, stream)


def test_mark_read_and_mark_all_read(community, student, other_student):
    a = services.notify(student, Kind.BADGE, text="a")
    services.notify(student, Kind.BADGE, text="b")
    assert a is not None

    services.mark_read(student, a.pk)
    assert selectors.unread_count(student) == 1
    assert services.mark_all_read(student) == 1
    assert selectors.unread_count(student) == 0


def test_marking_someone_elses_notification_is_404(student, other_student):
    from django.http import Http404

    theirs = services.notify(other_student, Kind.BADGE, text="theirs")
    assert theirs is not None

    with pytest.raises(Http404):
        services.mark_read(student, theirs.pk)


def test_people_can_only_be_muted_or_unmuted(student, other_student):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.set_subscription(
            student, TargetType.PERSON, other_student.pk, level=Level.WATCHING
        )
    with pytest.raises(ValidationError):
        services.set_subscription(
            student, TargetType.PERSON, student.pk, level=Level.MUTED
        )
    with pytest.raises(ValidationError):
        services.mute_person(student, "nobody-by-this-name")
