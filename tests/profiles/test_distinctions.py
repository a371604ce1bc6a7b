"""Alumni, experts and partners: claimed and verified, or marked by owners; shown
on profiles and in the directory; enough to post opportunities, and (alumni and
experts) to mentor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from studyhall import policy
from studyhall.core.errors import DomainError
from studyhall.policy import Action
from studyhall.profiles import selectors, services
from studyhall.profiles.models import Distinction
from studyhall.realtime.models import Event
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def _fresh(person):
    policy.forget(person)
    return person


def test_a_claim_waits_for_an_owner_and_shows_once_verified(
    client, owner, community, student
):
    client.force_login(student)
    sent = client.post(
        reverse("profiles:distinctions", args=[community.slug]),
        {"form": "claim", "claim-kind": "alum", "claim-note": "Class of 2021"},
    )
    found = Distinction.objects.get(user=student)
    before = client.get(reverse("accounts:profile", args=[student.handle]))
    client.force_login(owner)
    waiting = client.get(reverse("profiles:distinctions", args=[community.slug]))
    client.post(
        reverse("profiles:distinction-decide", args=[found.pk]), {"action": "verify"}
    )
    after = client.get(reverse("accounts:profile", args=[student.handle]))

    assert sent.status_code == 302
    assert "Alum" not in before.text.split("<h2")[0]
    assert "Class of 2021" in waiting.text
    assert Distinction.objects.get(pk=found.pk).is_verified
    assert '<span class="badge role">Alum</span>' in after.text


def test_a_claim_tells_each_owner_on_their_stream(owner, community, student):
    services.claim_distinction(student, community, kind="expert", note="Data work")

    event = Event.objects.get(type="distinction.claimed")

    assert event.stream == f"user.{owner.pk}"


def test_a_claim_without_a_note_comes_back_with_the_choice_kept(
    client, community, student
):
    client.force_login(student)

    response = client.post(
        reverse("profiles:distinctions", args=[community.slug]),
        {"form": "claim", "claim-kind": "expert", "claim-note": "  "},
    )

    assert response.status_code == 400
    assert "Say what makes you one" in response.text
    assert '<option value="expert" selected>' in response.text
    assert not Distinction.objects.exists()


def test_a_claim_is_not_made_twice_and_a_rejected_one_may_be_made_again(
    owner, community, student
):
    found = services.claim_distinction(student, community, kind="alum", note="2019")
    with pytest.raises(DomainError):
        services.claim_distinction(student, community, kind="alum", note="2019")
    services.decide_distinction(owner, found, verify=False)

    again = services.claim_distinction(student, community, kind="alum", note="2018")

    assert again.pk == found.pk
    assert again.status == "claimed"
    assert again.note == "2018"


def test_an_owners_own_claim_is_verified_at_once(owner, community):
    found = services.claim_distinction(owner, community, kind="expert", note="PhD")

    assert found.is_verified


def test_outsiders_cannot_claim_and_students_cannot_grant_or_decide(
    community, student, other_student, outsider
):
    found = services.claim_distinction(student, community, kind="alum", note="2020")

    with pytest.raises(PermissionDenied):
        services.claim_distinction(outsider, community, kind="alum", note="x")
    with pytest.raises(PermissionDenied):
        services.grant_distinction(student, community, other_student, kind="alum")
    with pytest.raises(Http404):
        services.decide_distinction(other_student, found, verify=True)
    with pytest.raises(Http404):
        services.remove_distinction(outsider, found)


def test_owners_mark_members_only(client, owner, community, student, outsider):
    client.force_login(owner)

    marked = client.post(
        reverse("profiles:distinctions", args=[community.slug]),
        {"form": "grant", "grant-handle": f"@{student.handle}", "grant-kind": "expert"},
        follow=True,
    )
    refused = client.post(
        reverse("profiles:distinctions", args=[community.slug]),
        {"form": "grant", "grant-handle": outsider.handle, "grant-kind": "alum"},
    )
    with pytest.raises(ValidationError):
        services.grant_distinction(owner, community, outsider, kind="alum")

    assert marked.redirect_chain[0][1] == 302
    assert Distinction.objects.get(user=student).is_verified
    assert "is now shown as an expert" in marked.text
    assert refused.status_code == 400
    assert "Choose a member of this community." in refused.text
    assert outsider.handle in refused.text


def test_a_decided_claim_cannot_be_decided_again(owner, community, student):
    found = services.claim_distinction(student, community, kind="alum", note="2020")
    services.decide_distinction(owner, found, verify=True)

    with pytest.raises(DomainError):
        services.decide_distinction(owner, found, verify=False)


def test_the_person_or_an_owner_removes_a_distinction(owner, community, student):
    mine = services.claim_distinction(student, community, kind="alum", note="2020")
    theirs = services.grant_distinction(owner, community, student, kind="expert")

    services.remove_distinction(student, mine)
    services.remove_distinction(owner, theirs)

    assert not Distinction.objects.exists()


def test_the_directory_filters_and_shows_alumni_and_experts(
    client, owner, community, student, other_student
):
    services.grant_distinction(owner, community, other_student, kind="alum")
    client.force_login(student)

    alumni = client.get(
        reverse("profiles:directory", args=[community.slug]), {"role": "alum"}
    )
    api = client.get(f"/api/v1/communities/{community.slug}/people?role=alum").json()
    experts = client.get(
        reverse("profiles:directory", args=[community.slug]), {"role": "expert"}
    )

    assert other_student.display_name in alumni.text
    assert student.display_name not in alumni.text.split("found.")[1]
    assert '<span class="badge role">Alum</span>' in alumni.text
    assert [p["handle"] for p in api["items"]] == [other_student.handle]
    assert api["items"][0]["distinctions"] == ["Alum"]
    assert "Nobody matches" in experts.text


def test_a_verified_alum_may_offer_mentoring_and_post_opportunities(
    owner, community, student
):
    assert not policy.can(student, Action.POST_OPPORTUNITY, community)
    services.grant_distinction(owner, community, _fresh(student), kind="alum")
    _fresh(student)

    services.update_mentoring(
        student, is_mentor=True, areas="Careers", availability="", capacity=1
    )
    opening = services.post_opportunity(
        student,
        community,
        kind="job",
        title="Junior analyst",
        apply_url="https://example.org/apply",
        deadline=timezone.localdate() + timedelta(days=5),
    )

    assert opening.posted_by == student
    assert policy.can(student, Action.POST_OPPORTUNITY, community)


def test_a_pending_claim_grants_nothing(community, student):
    services.claim_distinction(student, community, kind="expert", note="Stats")
    _fresh(student)

    with pytest.raises(PermissionDenied):
        services.update_mentoring(
            student, is_mentor=True, areas="Stats", availability="", capacity=1
        )


def test_distinction_badges_follow_the_communitys_visibility(owner, community, student):
    services.grant_distinction(owner, community, student, kind="expert")
    services.claim_distinction(student, community, kind="alum", note="2020")
    elsewhere = make_member(CommunityFactory(), "student")
    stranger = UserFactory()
    found = Distinction.objects.get(kind="expert")
    claim = Distinction.objects.get(kind="alum")
    everyone = Distinction.objects.all()

    assert policy.can(owner, Action.VIEW, claim)
    assert not policy.can(elsewhere, Action.VIEW, found)
    assert not policy.can(stranger, Action.VIEW, claim)
    assert list(policy.visible(elsewhere, everyone)) == []
    assert set(policy.visible(owner, everyone)) == {found, claim}
    assert set(policy.visible(student, everyone)) == {found, claim}


def test_api_claim_list_decide_and_remove(client, owner, community, student):
    client.force_login(student)
    made = client.post(
        f"/api/v1/communities/{community.slug}/distinctions",
        {"kind": "alum", "note": "Class of 2019"},
        content_type="application/json",
    )
    bad = client.post(
        f"/api/v1/communities/{community.slug}/distinctions",
        {"kind": "wizard", "note": "x"},
        content_type="application/json",
    )
    pk = made.json()["id"]
    client.force_login(owner)
    listed = client.get(f"/api/v1/communities/{community.slug}/distinctions").json()
    wrong = client.post(
        f"/api/v1/distinctions/{pk}",
        {"action": "maybe"},
        content_type="application/json",
    )
    decided = client.post(
        f"/api/v1/distinctions/{pk}",
        {"action": "verify"},
        content_type="application/json",
    )
    profile = client.get(f"/api/v1/people/{student.handle}").json()
    removed = client.delete(f"/api/v1/distinctions/{pk}")
    missing = client.delete(f"/api/v1/distinctions/{pk}")

    assert made.status_code == 201
    assert made.json()["status"] == "claimed"
    assert bad.status_code == 422
    assert [d["id"] for d in listed] == [pk]
    assert wrong.status_code == 422
    assert decided.json()["status"] == "verified"
    assert "Alum" in profile["badges"]
    assert removed.status_code == 204
    assert missing.status_code == 404


def test_api_owner_marks_a_member_by_handle(client, owner, community, student):
    client.force_login(owner)

    made = client.post(
        f"/api/v1/communities/{community.slug}/distinctions",
        {"kind": "expert", "handle": student.handle},
        content_type="application/json",
    )

    assert made.status_code == 201
    assert made.json() | {"id": 0} == {
        "id": 0,
        "person": student.handle,
        "kind": "expert",
        "status": "verified",
        "note": "",
    }


def test_mentor_cards_show_distinctions(owner, community, student, other_student):
    services.grant_distinction(owner, community, _fresh(student), kind="expert")
    services.update_mentoring(
        _fresh(student), is_mentor=True, areas="Stats", availability="", capacity=2
    )

    cards = selectors.mentors(other_student)

    assert [c.distinctions for c in cards] == [["Expert"]]


def test_a_verified_partner_posts_opportunities_but_may_not_mentor(
    owner, community, student
):
    services.claim_distinction(
        student, community, kind="partner", note="Recruiter at Acme Labs"
    )
    with pytest.raises(PermissionDenied):
        services.post_opportunity(
            _fresh(student),
            community,
            kind="job",
            title="Lab assistant",
            apply_url="https://example.org/apply",
            deadline=None,
        )
    claim = Distinction.objects.get(user=student, kind="partner")
    services.decide_distinction(owner, claim, verify=True)

    opening = services.post_opportunity(
        _fresh(student),
        community,
        kind="job",
        title="Lab assistant",
        organisation="Acme Labs",
        apply_url="https://example.org/apply",
        deadline=timezone.localdate() + timedelta(days=5),
    )

    assert opening.posted_by == student
    with pytest.raises(PermissionDenied):
        services.update_mentoring(
            student, is_mentor=True, areas="Careers", availability="", capacity=1
        )


def test_partners_are_claimed_verified_and_shown_on_the_pages(
    client, owner, community, student, other_student
):
    client.force_login(student)
    sent = client.post(
        reverse("profiles:distinctions", args=[community.slug]),
        {"form": "claim", "claim-kind": "partner", "claim-note": "Acme Labs"},
    )
    client.force_login(owner)
    waiting = client.get(reverse("profiles:distinctions", args=[community.slug]))
    found = Distinction.objects.get(user=student)
    client.post(
        reverse("profiles:distinction-decide", args=[found.pk]), {"action": "verify"}
    )
    client.force_login(other_student)
    profile = client.get(reverse("accounts:profile", args=[student.handle]))
    directory = client.get(reverse("profiles:directory", args=[community.slug]))
    partners = client.get(
        reverse("profiles:directory", args=[community.slug]), {"role": "partner"}
    )
    client.force_login(student)
    board = client.get(reverse("profiles:opportunity-create", args=[community.slug]))

    assert sent.status_code == 302
    assert "says they are a partner: Acme Labs" in waiting.text
    assert '<span class="badge role">Partner</span>' in profile.text
    assert '<option value="partner">Partner</option>' in directory.text
    assert '<span class="badge role">Partner</span>' in partners.text
    assert other_student.display_name not in partners.text.split("found.")[1]
    assert board.status_code == 200


def test_api_partner_claim_is_verified_then_posts_an_opportunity(
    client, owner, community, student
):
    client.force_login(student)
    made = client.post(
        f"/api/v1/communities/{community.slug}/distinctions",
        {"kind": "partner", "note": "Hiring for Acme Labs"},
        content_type="application/json",
    )
    opening = {
        "kind": "internship",
        "title": "Summer intern",
        "apply_url": "https://example.org/apply",
        "deadline": str(timezone.localdate() + timedelta(days=9)),
    }
    refused = client.post(
        f"/api/v1/communities/{community.slug}/opportunities",
        opening,
        content_type="application/json",
    )
    client.force_login(owner)
    client.post(
        f"/api/v1/distinctions/{made.json()['id']}",
        {"action": "verify"},
        content_type="application/json",
    )
    listed = client.get(f"/api/v1/communities/{community.slug}/people?role=partner")
    client.force_login(student)
    posted = client.post(
        f"/api/v1/communities/{community.slug}/opportunities",
        opening,
        content_type="application/json",
    )
    mentoring = client.put(
        "/api/v1/people/me/mentoring",
        {"is_mentor": True, "areas": "Careers", "availability": "", "capacity": 1},
        content_type="application/json",
    )

    assert made.json()["kind"] == "partner"
    assert refused.status_code == 403
    assert [p["distinctions"] for p in listed.json()["items"]] == [["Partner"]]
    assert posted.status_code == 201
    assert mentoring.status_code == 403
