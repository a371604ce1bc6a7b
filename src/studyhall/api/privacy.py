"""Data rights: preparing and following a download of my data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from studyhall.api.schemas import ERRORS
from studyhall.api.security import SIGNED_IN, viewer
from studyhall.privacy import services
from studyhall.privacy.models import DataExport

router = Router(tags=["privacy"])


class ExportOut(Schema):
    id: int
    status: str
    progress: int
    created_at: datetime
    expires_at: datetime | None
    download_url: str | None


def _export_out(export: DataExport) -> ExportOut:
    ready = export.status == DataExport.Status.READY and not export.is_expired
    return ExportOut(
        id=export.pk,
        status=export.status,
        progress=export.progress,
        created_at=export.created_at,
        expires_at=export.expires_at,
        download_url=reverse("privacy:export-download", args=[export.pk])
        if ready
        else None,
    )


@router.get("/me/exports", response={200: list[ExportOut], **ERRORS}, auth=SIGNED_IN)
def list_exports(request: HttpRequest) -> Any:
    """Your recent data downloads, with progress and links while valid."""
    user = viewer(request)
    return [_export_out(e) for e in DataExport.objects.filter(user=user)[:5]]


@router.post("/me/exports", response={202: ExportOut, **ERRORS}, auth=SIGNED_IN)
def create_export(request: HttpRequest) -> Any:
    """Prepare a zip of everything you created (in the background)."""
    return Status(202, _export_out(services.request_export(viewer(request))))
