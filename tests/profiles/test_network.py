"""Following, connecting, blocking, suggestions and the activity feed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import override_settings
from django.urls import reverse

from studyhall.accounts.selectors import has_blocked
from studyhall.core.errors import DomainError
from studyhall.discussions import services as boards
from studyhall.profiles import selectors, services
from studyhall.profiles.models import ConnectionRequest, FeedEntry, Follow
from tests.factories import UserFactory, make_member
from tests.profiles.conftest import profile_data

pytestmark = pytest.mark.django_db


def _profile_url(person) -> str:
    return reverse("accounts:profile", kwargs={"handle": person.handle})


def test_connecting_through_the_pages(client, student, other_student):
    client.force_login(student)

    sent = client.post(
        reverse("profiles:connect", kwargs={"handle": other_student.handle}),
        {"note": "We share Stats 101"},
    )
    request = ConnectionRequest.objects.get(sender=student)
    client.force_login(other_student)
    network = client.get(reverse("profiles:network"))
    client.post(
        reverse("profiles:connection-answer", kwargs={"request_id": request.pk}),
        {"action": "accept"},
    )
    page = client.get(_profile_url(student))

    assert sent.status_code == 302
    assert "We share Stats 101" in network.text
    assert "Connected" in page.text


def test_declined_and_withdrawn_requests_close(student, other_student, mentor):
    declined = services.request_connection(student, other_student)
    withdrawn = services.request_connection(student, mentor)

    services.answer_connection(other_student, declined, accept=False)
    services.withdraw_connection(student, withdrawn)

    assert ConnectionRequest.objects.get(pk=declined.pk).status == "declined"
    assert ConnectionRequest.objects.get(pk=withdrawn.pk).status == "withdrawn"
    with pytest.raises(DomainError):
        services.answer_connection(mentor, withdrawn, accept=True)


def test_only_the_recipient_answers_a_request(student, other_student, mentor):
    request = services.request_connection(student, other_student)

    with pytest.raises(Http404):
        services.answer_connection(mentor, request, accept=True)
    with pytest.raises(DomainError):
        services.answer_connection(student, request, accept=True)


def test_a_second_request_or_a_crossed_one_is_explained(student, other_student):
    services.request_connection(student, other_student)

    with pytest.raises(DomainError, match="waiting for an answer"):
        services.request_connection(student, other_student)
    with pytest.raises(DomainError, match="already asked to connect with you"):
        services.request_connection(other_student, student)


@override_settings(PROFILES_CONNECTION_REQUESTS_PER_DAY=2)
def test_spammy_connection_requests_are_rate_limited_with_a_clear_message(
    client, community, student
):
    people = [make_member(community, "student") for _ in range(3)]
    client.force_login(student)
    for person in people[:2]:
        services.request_connection(student, person)

    response = client.post(
        reverse("profiles:connect", kwargs={"handle": people[2].handle}),
        {"note": "please"},
    )

    assert response.status_code == 429
    assert "the most allowed. You can send another in 24 hours." in response.text
    assert 86_000 < int(response["Retry-After"]) <= 86_400
    assert "please" in response.text


def test_strangers_cannot_connect_or_follow_a_private_profile(outsider, student):
    with pytest.raises(Http404):
        services.request_connection(outsider, student)
    with pytest.raises(Http404):
        services.follow(outsider, student)


def test_blocking_ends_the_connection_and_stops_new_ones(
    client, student, other_student
):
    request = services.request_connection(student, other_student)
    services.answer_connection(other_student, request, accept=True)
    services.follow(other_student, student)
    client.force_login(student)

    client.post(reverse("profiles:block", kwargs={"handle": other_student.handle}))

    assert has_blocked(student, other_student)
    assert ConnectionRequest.objects.get(pk=request.pk).status == "withdrawn"
    assert not Follow.objects.filter(follower=other_student).exists()
    with pytest.raises((PermissionDenied, Http404)):
        services.request_connection(other_student, student)
    client.force_login(other_student)
    assert client.get(_profile_url(student)).status_code == 404


def test_unblocking_from_the_network_page(client, student, other_student):
    services.block_person(student, other_student)
    client.force_login(student)

    listed = client.get(reverse("profiles:network"))
    client.post(
        reverse("profiles:block", kwargs={"handle": other_student.handle}),
        {"action": "unblock"},
    )

    assert other_student.display_name in listed.text
    assert not has_blocked(student, other_student)


def test_you_cannot_block_yourself(client, student):
    client.force_login(student)

    response = client.post(
        reverse("profiles:block", kwargs={"handle": student.handle}), follow=True
    )

    assert "You cannot block yourself." in response.text


def test_following_and_unfollowing_through_the_page(client, student, other_student):
    client.force_login(student)
    url = reverse("profiles:follow", kwargs={"handle": other_student.handle})

    client.post(url)
    following = Follow.objects.filter(follower=student).count()
    client.post(url, {"action": "unfollow"})

    assert following == 1
    assert not Follow.objects.filter(follower=student).exists()


def test_people_like_you_explains_shared_interests(
    client, community, student, other_student
):
    services.update_profile(student, **profile_data(interests="Rust, Go, Bayes"))
    services.update_profile(other_student, **profile_data(interests="rust, Bayes"))
    lonely = make_member(community, "student")
    client.force_login(student)

    found = selectors.people_like_you(student)
    page = client.get(reverse("profiles:suggestions"))

    assert found[0].person.user == other_student
    assert found[0].reasons[0] == "2 shared interests: Bayes, rust"
    assert f"1 shared course: {community.name}" in found[0].reasons
    assert lonely in [s.person.user for s in found]
    assert "2 shared interests: Bayes, rust" in page.text


def test_hidden_interests_do_not_explain_a_suggestion(student, other_student):
    services.update_profile(student, **profile_data(interests="Rust"))
    services.update_profile(
        other_student, **profile_data(interests="Rust", interests_visibility="only_me")
    )

    found = selectors.people_like_you(student)

    assert all("Rust" not in " ".join(s.reasons) for s in found)


def test_feed_shows_named_threads_and_accepted_answers_of_people_i_follow(
    client, community, student, other_student, django_capture_on_commit_callbacks
):
    services.follow(student, other_student)
    with django_capture_on_commit_callbacks(execute=True):
        _post_named_anonymous_and_answer(community, other_student)
    client.force_login(student)

    feed = client.get(reverse("profiles:feed"))

    assert "Named question" in feed.text
    assert "had an answer accepted" in feed.text
    assert "Secret worry" not in feed.text
    assert not FeedEntry.objects.filter(thread__is_anonymous=True).exists()


def _post_named_anonymous_and_answer(community, other_student):
    boards.create_thread(other_student, community, title="Named question", body="b")
    anon_community = community
    anon_community.anonymity = "anonymous_to_peers"
    anon_community.save()
    boards.create_thread(
        other_student, community, title="Secret worry", body="b", is_anonymous=True
    )
    asker = make_member(community, "student")
    thread = boards.create_thread(asker, community, title="Help", body="b")
    reply = boards.create_reply(other_student, thread, body="answer")
    boards.accept_answer(asker, reply)


def test_feed_hides_threads_after_leaving_the_community(
    client, community, student, other_student, django_capture_on_commit_callbacks
):
    from studyhall.communities import services as communities

    services.follow(student, other_student)
    with django_capture_on_commit_callbacks(execute=True):
        boards.create_thread(other_student, community, title="Members only", body="b")
    communities.leave_community(student, community)
    client.force_login(student)

    feed = client.get(reverse("profiles:feed"))

    assert "Members only" not in feed.text


def test_following_a_community_fills_the_feed_with_its_threads(
    client, community, student, other_student, django_capture_on_commit_callbacks
):
    client.force_login(student)
    client.post(reverse("profiles:community-follow", kwargs={"slug": community.slug}))
    with django_capture_on_commit_callbacks(execute=True):
        boards.create_thread(other_student, community, title="Fresh thread", body="b")

    feed = client.get(reverse("profiles:feed"))
    client.post(
        reverse("profiles:community-follow", kwargs={"slug": community.slug}),
        {"action": "unfollow"},
    )
    after = client.get(reverse("profiles:feed"))

    assert "Fresh thread" in feed.text
    assert "Fresh thread" not in after.text


def test_connections_who_share_no_community_see_connection_fields(outsider, student):
    services.update_profile(
        student,
        **profile_data(headline="For connections", headline_visibility="connections"),
    )
    from studyhall.profiles.models import ConnectionRequest as CR

    CR.objects.create(sender=outsider, recipient=student, status="accepted")

    page = selectors.profile_page(outsider, student.handle)

    assert page.person.shows("headline")


def test_api_connect_accept_and_block(student, other_student):
    from tests.api.conftest import send, signed_in

    asker, answerer = signed_in(student), signed_in(other_student)

    sent = send(
        asker,
        "POST",
        f"/people/{other_student.handle}/connection-requests",
        {"note": "hi"},
    )
    accepted = send(
        answerer,
        "POST",
        f"/connection-requests/{sent.json()['id']}",
        {"action": "accept"},
    )
    again = send(
        asker, "POST", f"/people/{other_student.handle}/connection-requests", {}
    )
    followed = send(asker, "POST", f"/people/{other_student.handle}/follow")
    blocked = send(answerer, "POST", f"/people/{student.handle}/block")
    hidden = send(asker, "GET", f"/people/{other_student.handle}")
    unknown = send(asker, "POST", "/connection-requests/999999", {"action": "accept"})

    assert sent.status_code == 201
    assert accepted.json()["status"] == "accepted"
    assert again.status_code == 409
    assert followed.status_code == 204
    assert blocked.status_code == 204
    assert hidden.status_code == 404
    assert unknown.status_code == 404
    send(answerer, "DELETE", f"/people/{student.handle}/block")
    assert send(asker, "GET", f"/people/{other_student.handle}").status_code == 200
    assert (
        send(asker, "DELETE", f"/people/{other_student.handle}/follow").status_code
        == 204
    )


def test_unknown_people_and_requests_are_404(client, student):
    client.force_login(student)

    for url in (
        "/people/nobody-here/follow/",
        "/people/nobody-here/block/",
        "/network/requests/999999/",
    ):
        assert client.post(url).status_code == 404
    assert client.get("/people/nobody-here/connect/").status_code == 404
    assert UserFactory  # factories stay importable for other tests
