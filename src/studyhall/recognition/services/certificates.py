"""Certificates: issue one or many in a batch, revoke."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Community, Membership
from studyhall.policy import Action
from studyhall.realtime.services import publish
from studyhall.recognition.models import Certificate, CertificateBatch
from studyhall.recognition.services.revocation import mark_revoked


def issue_certificate(
    community: Community, recipient: User, *, kind: str, issued_by: User | None
) -> Certificate:
    """Issue a certificate once per person, community and kind; return the one that stands.

    Callers check the policy (see request_certificates). Safe to repeat.
    """
    existing = Certificate.objects.filter(
        community=community, recipient=recipient, kind=kind
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                community=community,
                recipient=recipient,
                kind=kind,
                recipient_name=recipient.display_name,
                issued_by=issued_by,
            )
            publish(
                f"user.{recipient.pk}",
                "certificate.issued",
                {"certificate": str(certificate.uid)},
                actor=issued_by,
            )
            return certificate
    except IntegrityError:
        return Certificate.objects.get(
            community=community, recipient=recipient, kind=kind
        )


def request_certificates(
    actor: User, community: Community, *, user_ids: list[int], kind: str
) -> CertificateBatch:
    """Queue certificates for the chosen members; a task issues them one by one."""
    if not policy.can(actor, Action.ISSUE_CERTIFICATES, community):
        raise PermissionDenied("Only owners and instructors can issue certificates.")
    if kind not in Certificate.Kind.values:
        raise ValidationError({"kind": "Choose completion or participation."})
    members = list(
        Membership.objects.filter(
            community=community,
            user_id__in=user_ids,
            status=Membership.Status.ACTIVE,
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    if not members:
        raise ValidationError({"members": "Choose at least one member."})
    batch = CertificateBatch.objects.create(
        community=community,
        requested_by=actor,
        kind=kind,
        user_ids=members,
        total=len(members),
    )
    from studyhall.recognition.tasks import run_certificate_batch

    transaction.on_commit(lambda: run_certificate_batch.enqueue(batch.pk))
    return batch


def run_batch(batch_id: int) -> CertificateBatch:
    """Issue the batch's certificates, counting progress as it goes; safe to rerun."""
    batch = CertificateBatch.objects.select_related("community", "requested_by").get(
        pk=batch_id
    )
    if batch.status == CertificateBatch.Status.DONE:
        return batch
    CertificateBatch.objects.filter(pk=batch.pk).update(
        status=CertificateBatch.Status.RUNNING, done_count=0
    )
    people = User.objects.in_bulk(batch.user_ids)
    for user_id in batch.user_ids:
        person = people.get(user_id)
        if person is not None:
            issue_certificate(
                batch.community, person, kind=batch.kind, issued_by=batch.requested_by
            )
        CertificateBatch.objects.filter(pk=batch.pk).update(
            done_count=F("done_count") + 1
        )
    CertificateBatch.objects.filter(pk=batch.pk).update(
        status=CertificateBatch.Status.DONE, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


def revoke_certificate(
    actor: User, certificate: Certificate, *, reason: str
) -> Certificate:
    """Revoke a certificate; its verification page then says so, with the reason."""
    if not policy.can(actor, Action.ISSUE_CERTIFICATES, certificate.community):
        raise PermissionDenied("Only owners and instructors can revoke certificates.")
    return mark_revoked(certificate, reason=reason)
