"""TOTP (RFC 6238 vectors), two-factor set-up and login, recovery codes, the
requirement for owners and moderators, and signed-in sessions."""

from __future__ import annotations

import base64
import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from studyhall.security import services, totp
from studyhall.security.models import ActiveSession, TwoFactor
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("moment", "code"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_totp_matches_the_rfc_6238_vectors(moment, code):
    assert totp.totp(RFC_SECRET, at=moment, digits=8) == code


def test_codes_allow_one_step_of_drift_and_nothing_malformed():
    secret = totp.new_secret()
    now = 1_700_000_000

    assert totp.matching_step(secret, totp.totp(secret, at=now - 30), at=now)
    assert totp.matching_step(secret, totp.totp(secret, at=now - 90), at=now) is None
    assert totp.matching_step(secret, "abc", at=now) is None
    assert totp.provisioning_uri(secret, "a@b.org", "studyhall").startswith(
        "otpauth://totp/studyhall%3Aa%40b.org?secret="
    )


def turn_on(user):
    found = services.start_two_factor(user)
    return found.secret, services.confirm_two_factor(user, code=totp.totp(found.secret))


def test_set_up_from_the_page_shows_recovery_codes(client):
    person = UserFactory()
    client.force_login(person)
    page = client.get(reverse("security:two-factor"))
    secret = TwoFactor.objects.get(user=person).secret
    assert secret in page.content.decode()

    wrong = client.post(reverse("security:two-factor"), {"code": "000000"})
    done = client.post(reverse("security:two-factor"), {"code": totp.totp(secret)})

    assert wrong.status_code == 400 and "does not match" in wrong.content.decode()
    assert (
        len(re.findall(r"<li>[0-9a-f]{6}-[0-9a-f]{6}</li>", done.content.decode()))
        == 10
    )
    assert services.has_two_factor(person)


def test_login_asks_for_the_code_and_a_code_works_once(client):
    person = UserFactory()
    secret, _ = turn_on(person)
    TwoFactor.objects.filter(user=person).update(last_step=0)

    response = client.post(
        reverse("accounts:login") + "?next=/accounts/",
        {"email": person.email, "password": PASSWORD},
    )
    assert response["Location"] == reverse("security:two-factor-verify")
    assert "_auth_user_id" not in client.session
    code = totp.totp(secret)
    ok = client.post(reverse("security:two-factor-verify"), {"code": code})

    assert ok["Location"] == "/accounts/"
    assert client.session["_auth_user_id"] == str(person.pk)
    assert not services.check_code(person, code)  # Replaying is refused.


def test_recovery_code_logs_in_once(client):
    person = UserFactory()
    _, codes = turn_on(person)
    client.post(
        reverse("accounts:login"), {"email": person.email, "password": PASSWORD}
    )

    client.post(reverse("security:two-factor-verify"), {"code": codes[0]})

    assert client.session["_auth_user_id"] == str(person.pk)
    assert not services.check_code(person, codes[0])


def test_too_many_wrong_codes_end_the_attempt(client):
    person = UserFactory()
    turn_on(person)
    client.post(
        reverse("accounts:login"), {"email": person.email, "password": PASSWORD}
    )

    for _ in range(4):
        wrong = client.post(reverse("security:two-factor-verify"), {"code": "000000"})
        assert wrong.status_code == 400
    last = client.post(reverse("security:two-factor-verify"), {"code": "000000"})

    assert last["Location"] == reverse("accounts:login")
    assert client.get(reverse("security:two-factor-verify"))["Location"] == reverse(
        "accounts:login"
    )


def test_owners_and_moderators_must_set_up_two_factor(client, settings, community):
    settings.TWO_FACTOR_REQUIRED_FOR_STAFF = True
    owner = make_member(community, "owner")
    student = make_member(community, "student")

    client.force_login(student)
    assert client.get("/").status_code == 200
    client.force_login(owner)
    blocked = client.get("/")
    setup = client.get(reverse("security:two-factor"))
    secret = TwoFactor.objects.get(user=owner).secret
    client.post(reverse("security:two-factor"), {"code": totp.totp(secret)})

    assert blocked["Location"] == reverse("security:two-factor")
    assert "need two-factor" in setup.content.decode()
    assert client.get("/").status_code == 200


def test_staff_who_set_up_elsewhere_pass(settings, community):
    settings.TWO_FACTOR_REQUIRED_FOR_STAFF = True
    moderator = make_member(community, "moderator")
    turn_on(moderator)
    client = Client()
    client.force_login(moderator)

    assert client.get("/").status_code == 200


def test_only_people_without_the_requirement_turn_it_off(client, community):
    person = UserFactory()
    _, codes = turn_on(person)
    moderator = make_member(community, "moderator")
    turn_on(moderator)
    client.force_login(person)

    client.post(reverse("security:two-factor-disable"), {"code": "000000"})
    assert services.has_two_factor(person)
    client.post(reverse("security:two-factor-disable"), {"code": codes[1]})
    assert not services.has_two_factor(person)
    client.force_login(moderator)
    client.post(reverse("security:two-factor-disable"), {"code": "000000"})
    assert services.has_two_factor(moderator)


def test_sessions_are_listed_and_log_out_everywhere_ends_the_others():
    person = UserFactory()
    laptop, phone = Client(HTTP_USER_AGENT="Laptop"), Client(HTTP_USER_AGENT="Phone")
    for browser in (laptop, phone):
        browser.post(
            reverse("accounts:login"), {"email": person.email, "password": PASSWORD}
        )
        browser.get("/")
    page = laptop.get(reverse("security:overview")).content.decode()
    assert "Laptop" in page and "Phone" in page
    assert ActiveSession.objects.filter(user=person).count() == 2

    laptop.post(reverse("security:log-out-everywhere"))

    assert phone.get(reverse("accounts:account"))["Location"].startswith(
        reverse("accounts:login")
    )
    assert laptop.get(reverse("accounts:account")).status_code == 200
    assert ActiveSession.objects.filter(user=person).count() == 1


def test_one_session_can_be_signed_out(client):
    person = UserFactory()
    other = Client()
    other.post(reverse("accounts:login"), {"email": person.email, "password": PASSWORD})
    other.get("/")
    client.force_login(person)
    client.get("/")
    session = ActiveSession.objects.exclude(
        session_key=client.session.session_key
    ).get()

    client.post(reverse("security:session-end", args=[session.pk]))
    again = client.post(reverse("security:session-end", args=[session.pk]), follow=True)

    assert not Session.objects.filter(session_key=session.session_key).exists()
    assert "already ended" in again.content.decode()
    assert services.forget_stale_sessions() == 0
