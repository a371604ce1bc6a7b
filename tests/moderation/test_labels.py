"""Instructor labels: verified by instructor / needs correction, with a note,
shown wherever the post shows (thread page, API)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from studyhall.moderation import services
from studyhall.moderation.models import AuditEntry
from tests.api.conftest import get, send, signed_in
from tests.discussions.helpers import answer, ask

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply(community, student, other_student):
    return answer(other_student, ask(student, community), body="Determinants add up")


def test_instructor_marks_needs_correction_and_it_shows_on_page_and_api(
    client, reply, instructor, student
):
    services.label_post(
        instructor, reply, label="needs_correction", note="det(A+B) is not additive"
    )

    client.force_login(student)
    page = client.get(reverse("discussions:thread-detail", args=[reply.thread_id]))
    api = get(signed_in(student), f"/replies/{reply.pk}").json()
    assert "Needs correction" in page.content.decode()
    assert "det(A+B) is not additive" in page.content.decode()
    assert api["label"] == "needs_correction"
    assert api["label_note"] == "det(A+B) is not additive"
    assert AuditEntry.objects.get().kind == AuditEntry.Kind.LABEL


def test_label_rules(reply, instructor, moderator, student):
    with pytest.raises(PermissionDenied):
        services.label_post(student, reply, label="verified")
    with pytest.raises(PermissionDenied):
        services.label_post(moderator, reply, label="verified")
    with pytest.raises(ValidationError):
        services.label_post(instructor, reply, label="needs_correction", note="")
    with pytest.raises(ValidationError):
        services.label_post(instructor, reply, label="great")

    services.label_post(instructor, reply, label="verified")
    services.label_post(instructor, reply, label="")

    reply.refresh_from_db()
    assert reply.label == "" and reply.labelled_by is None


def test_instructor_labels_from_the_page(client, community, reply, instructor):
    client.force_login(instructor)
    thread_page = client.get(
        reverse("discussions:thread-detail", args=[reply.thread_id])
    )
    url = reverse("moderation:post-label", args=[community.slug, reply.pk])
    assert url in thread_page.content.decode()

    bad = client.post(url, {"label": "needs_correction", "note": ""})
    client.post(url, {"label": "verified", "note": "Checked"})

    assert bad.status_code == 400
    reply.refresh_from_db()
    assert reply.label == "verified" and reply.label_note == "Checked"


def test_label_api(reply, instructor, student):
    response = send(
        signed_in(instructor),
        "POST",
        f"/replies/{reply.pk}/label",
        {"label": "verified", "note": "Correct"},
    )
    refused = send(
        signed_in(student), "POST", f"/replies/{reply.pk}/label", {"label": "verified"}
    )

    assert response.status_code == 200 and response.json()["label"] == "verified"
    assert refused.status_code == 403
