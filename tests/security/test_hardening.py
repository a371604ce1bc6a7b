"""Security hardening: headers on every page, no inline scripts or handlers in any
template, `check --deploy` clean, open redirects closed, and password reset
answering in the same time for known and unknown addresses."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

import studyhall
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SRC = Path(studyhall.__file__).resolve().parent
ROOT = SRC.parents[1]


def templates() -> list[Path]:
    return sorted(SRC.rglob("templates/**/*.html"))


def test_no_template_has_an_inline_script_handler_or_style():
    problems = []
    for path in templates():
        html = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", html, re.IGNORECASE):
            if "src=" not in match.group(1):
                problems.append(f"{path}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE):
            problems.append(f"{path}: inline event handler")
        # Emails are read in mail clients, which need inline styles; the
        # site's CSP governs pages only.
        is_email = "email" in path.parts
        if not is_email and re.search(r"\sstyle\s*=", html, re.IGNORECASE):
            problems.append(f"{path}: inline style attribute")
        if re.search(r"javascript:", html, re.IGNORECASE):
            problems.append(f"{path}: javascript: URL")

    assert templates()
    assert not problems, problems


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/me"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **os.environ,
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": "x" * 60 + "production-like-secret-key-for-the-check",
        "ALLOWED_HOSTS": "studyhall.example.org",
        "PYTHONPATH": str(SRC.parent),
        "DJANGO_SETTINGS_MODULE": "studyhall.settings",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
    ],
)
def test_login_and_logout_never_redirect_off_site(client, next_url):
    person = UserFactory()

    login = client.post(
        reverse("accounts:login") + f"?next={next_url}",
        {
            "username": person.email,
            "email": person.email,
            "password": "correct horse battery",
        },
    )
    logout = client.post(reverse("accounts:logout"), {"next": next_url})

    for response in (login, logout):
        assert response.status_code == 302
        location = response["Location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\"))


def test_password_reset_takes_the_same_time_either_way(client, settings, mailoutbox):
    settings.PASSWORD_RESET_MIN_SECONDS = 0.3
    person = UserFactory()
    url = reverse("accounts:password-reset")

    def timed(email):
        started = time.monotonic()
        response = client.post(url, {"email": email})
        return response, time.monotonic() - started

    known, known_time = timed(person.email)
    unknown, unknown_time = timed("nobody@example.org")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mailoutbox) == 1
    assert known_time >= 0.3 and unknown_time >= 0.3
    assert abs(known_time - unknown_time) < 0.2


def test_sign_ups_per_address_are_limited_with_retry_after(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.SIGNUPS_PER_ADDRESS = 2
    url = reverse("accounts:signup")

    def sign_up(n):
        return client.post(
            url,
            {
                "email": f"new{n}@example.org",
                "display_name": f"New {n}",
                "password": "a long and unusual passphrase",
            },
        )

    assert sign_up(1).status_code == 302
    assert sign_up(2).status_code == 302
    third = sign_up(3)
    other_network = client.post(
        url,
        {
            "email": "elsewhere@example.org",
            "display_name": "Elsewhere",
            "password": "a long and unusual passphrase",
        },
        REMOTE_ADDR="10.1.2.3",
    )

    assert third.status_code == 429
    assert 0 < int(third["Retry-After"]) <= 3600
    assert "new3@example.org" in third.content.decode()
    assert other_network.status_code == 302
    cache.clear()
