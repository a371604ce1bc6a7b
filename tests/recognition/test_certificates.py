"""Certificates: bulk issue with progress, PDF content, verification, sharing."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from studyhall.recognition import services
from studyhall.recognition.models import Certificate, CertificateBatch
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_bulk_issue_from_the_member_list_with_progress(
    client, settle, community, instructor, student, other_student
):
    client.force_login(instructor)
    url = reverse("recognition:certificates", kwargs={"slug": community.slug})
    page = client.get(url).content.decode()
    assert student.display_name in page

    with settle():
        response = client.post(
            url, {"kind": "completion", "members": [student.pk, other_student.pk]}
        )
    batch = CertificateBatch.objects.get()
    progress = client.get(response["Location"])
    polled = client.get(response["Location"] + "?format=json").json()

    assert response.status_code == 302
    assert progress.status_code == 200 and "2 of 2 issued" in progress.content.decode()
    assert polled == {"status": "done", "done": 2, "total": 2, "percent": 100}
    assert batch.status == "done"
    assert set(Certificate.objects.values_list("recipient_id", flat=True)) == {
        student.pk,
        other_student.pk,
    }


def test_a_running_batch_page_refreshes_itself_without_scripts(
    client, community, instructor, student
):
    batch = CertificateBatch.objects.create(
        community=community,
        requested_by=instructor,
        kind="completion",
        user_ids=[student.pk],
        total=1,
    )
    client.force_login(instructor)

    page = client.get(
        reverse(
            "recognition:certificate-batch",
            kwargs={"slug": community.slug, "batch_id": batch.pk},
        )
    ).content.decode()

    assert '<noscript><meta http-equiv="refresh"' in page
    assert 'value="0"' in page


def test_rerunning_a_batch_issues_nothing_twice(settle, community, instructor, student):
    with settle():
        batch = services.request_certificates(
            instructor, community, user_ids=[student.pk], kind="participation"
        )
    CertificateBatch.objects.filter(pk=batch.pk).update(status="running")

    services.run_batch(batch.pk)

    assert Certificate.objects.count() == 1


def test_students_cannot_issue_and_empty_choices_are_refused(
    community, instructor, student, outsider
):
    with pytest.raises(PermissionDenied):
        services.request_certificates(
            student, community, user_ids=[student.pk], kind="completion"
        )
    with pytest.raises(ValidationError):
        services.request_certificates(
            instructor, community, user_ids=[outsider.pk], kind="completion"
        )
    with pytest.raises(ValidationError):
        services.request_certificates(
            instructor, community, user_ids=[student.pk], kind="gold"
        )


def test_pdf_contains_the_name_community_and_verification_url(
    client, settings, community, instructor
):
    settings.SITE_URL = "https://studyhall.example.org"
    person = make_member(community, "student", display_name="Grace Hopper")
    certificate = services.issue_certificate(
        community, person, kind="completion", issued_by=instructor
    )

    response = client.get(
        reverse(
            "recognition:certificate-pdf", kwargs={"certificate_uid": certificate.uid}
        )
    )
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages
    )

    assert response["Content-Type"] == "application/pdf"
    assert "Grace Hopper" in text
    assert community.name in text
    assert f"https://studyhall.example.org/certificates/{certificate.uid}/" in text
    assert re.search(r"Issued on \d\d \w+ \d{4}", text)


def test_pdf_carries_a_qr_code_of_the_verification_url(
    client, community, instructor, student
):
    import segno

    certificate = services.issue_certificate(
        community, student, kind="completion", issued_by=instructor
    )
    url = reverse(
        "recognition:certificate-pdf", kwargs={"certificate_uid": certificate.uid}
    )
    verify = django_settings.SITE_URL + url.removesuffix("certificate.pdf")

    response = client.get(url)
    content = PdfReader(io.BytesIO(response.content)).pages[0].get_contents().get_data()
    squares = [
        tuple(float(n) for n in m)
        for m in re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re", content)
    ]
    qr = client.get(url.removesuffix("certificate.pdf") + "qr.png")

    # The QR code is drawn as one filled square per dark module: rebuild the
    # grid from the squares and compare it with the code of the URL.
    cells = [sq for sq in squares if abs(sq[2] - sq[3]) < 1e-6 and sq[2] < 10]
    size = cells[0][2]
    left = min(sq[0] for sq in cells)
    top = max(sq[1] for sq in cells)
    dark = {(round((top - sq[1]) / size), round((sq[0] - left) / size)) for sq in cells}
    matrix = segno.make(verify, error="m", micro=False).matrix
    expected = {(r, c) for r, row in enumerate(matrix) for c, v in enumerate(row) if v}
    assert dark == expected
    assert qr["Content-Type"] == "image/png" and qr.content.startswith(b"\x89PNG")


def test_verification_page_shows_valid_then_revoked(
    client, community, instructor, student
):
    certificate = services.issue_certificate(
        community, student, kind="completion", issued_by=instructor
    )
    url = reverse(
        "recognition:certificate-verify", kwargs={"certificate_uid": certificate.uid}
    )

    valid = client.get(url).content.decode()
    services.revoke_certificate(
        instructor, certificate, reason="Issued to the wrong person"
    )
    revoked = client.get(url).content.decode()

    assert "Valid." in valid and student.display_name in valid
    assert "Revoked" in revoked and "Issued to the wrong person" in revoked
    assert "linkedin.com/profile/add" not in revoked


def test_verification_page_has_share_meta_and_linkedin_add(
    client, community, instructor, student
):
    certificate = services.issue_certificate(
        community, student, kind="completion", issued_by=instructor
    )

    page = client.get(
        reverse(
            "recognition:certificate-verify",
            kwargs={"certificate_uid": certificate.uid},
        )
    ).content.decode()

    for meta in (
        'property="og:title"',
        'property="og:image"',
        'name="twitter:card"',
        'property="og:description"',
    ):
        assert meta in page
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in page
    assert "linkedin.com/sharing/share-offsite" in page and "x.com/intent/post" in page
    assert "mailto:?subject=" in page and "/share/mastodon/?text=" in page
    assert "<script" not in page.split("<footer")[0]


def test_revoking_a_certificate_through_the_page(
    client, community, instructor, student
):
    certificate = services.issue_certificate(
        community, student, kind="completion", issued_by=instructor
    )
    client.force_login(instructor)
    url = reverse(
        "recognition:certificate-revoke",
        kwargs={"slug": community.slug, "certificate_uid": certificate.uid},
    )

    client.post(url, {"reason": ""})
    unchanged = Certificate.objects.get().is_revoked
    client.post(url, {"reason": "Duplicate"})

    assert not unchanged
    assert Certificate.objects.get().revocation_reason == "Duplicate"


def test_mastodon_share_asks_for_the_server_then_redirects(client):
    url = reverse("recognition:share-mastodon")

    ask = client.get(url, {"text": "I earned a badge"})
    bad = client.get(url, {"text": "x", "server": "not a host/../"})
    go = client.get(
        url, {"text": "I earned a badge", "server": "https://mastodon.social/"}
    )

    assert ask.status_code == 200 and "Your server" in ask.content.decode()
    assert bad.status_code == 400
    assert go.status_code == 302
    assert go["Location"] == "https://mastodon.social/share?text=I+earned+a+badge"


def test_badge_award_page_has_share_meta(client, community, owner, student):
    badge = services.define_badge(
        owner, community, name="Star", description="Shone.", criteria="c"
    )
    award = services.award_badge(owner, badge, student)

    page = client.get(
        reverse("recognition:award-detail", kwargs={"award_uid": award.uid})
    ).content.decode()

    assert f"{student.display_name} earned “Star”" in page
    assert 'property="og:image"' in page and 'name="twitter:title"' in page
    assert "Share on LinkedIn" in page and "Share on Mastodon" in page
