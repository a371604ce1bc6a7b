"""Data rights and sessions: a download of my data, deleting my account, and
where I am signed in."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from studyhall.api.params import Id
from studyhall.api.schemas import ERRORS
from studyhall.api.security import SIGNED_IN, viewer
from studyhall.privacy import services
from studyhall.privacy.models import AccountDeletion, DataExport
from studyhall.security import services as security
from studyhall.security.models import ActiveSession

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


class DeletionIn(Schema):
    mode: Literal["erase", "keep"] = Field(
        description="erase: your posts too; keep: shown under “Deleted member”."
    )
    password: str


class DeletionOut(Schema):
    mode: str
    requested_at: datetime
    due_at: datetime


@router.get(
    "/me/deletion", response={200: DeletionOut | None, **ERRORS}, auth=SIGNED_IN
)
def get_deletion(request: HttpRequest) -> Any:
    """Your scheduled account deletion, or null."""
    return AccountDeletion.objects.filter(user=viewer(request)).first()


@router.post("/me/deletion", response={202: DeletionOut, **ERRORS}, auth=SIGNED_IN)
def request_deletion(request: HttpRequest, payload: DeletionIn) -> Any:
    """Delete your account after the grace period; your password confirms it."""
    deletion = services.request_deletion(
        viewer(request), mode=payload.mode, password=payload.password
    )
    return Status(202, deletion)


@router.delete("/me/deletion", response={204: None, **ERRORS}, auth=SIGNED_IN)
def cancel_deletion(request: HttpRequest) -> Any:
    """Keep your account after all."""
    services.cancel_deletion(viewer(request))
    return Status(204, None)


class SessionOut(Schema):
    id: int
    browser: str
    signed_in_at: datetime
    last_seen_at: datetime
    is_current: bool


@router.get("/me/sessions", response={200: list[SessionOut], **ERRORS}, auth=SIGNED_IN)
def list_sessions(request: HttpRequest) -> Any:
    """The browsers you are signed in with."""
    current = request.session.session_key if hasattr(request, "session") else None
    return [
        SessionOut(
            id=s.pk,
            browser=s.user_agent,
            signed_in_at=s.created_at,
            last_seen_at=s.last_seen_at,
            is_current=s.session_key == current,
        )
        for s in ActiveSession.objects.filter(user=viewer(request))
    ]


@router.delete(
    "/me/sessions/{session_id}", response={204: None, **ERRORS}, auth=SIGNED_IN
)
def end_session(request: HttpRequest, session_id: Id) -> Any:
    """Sign one of your sessions out."""
    found = ActiveSession.objects.filter(user=viewer(request), pk=session_id).first()
    if found is None:
        raise Http404("No such session.")
    security.end_session(viewer(request), found.pk)
    return Status(204, None)


class EndedOut(Schema):
    ended: int


@router.delete("/me/sessions", response={200: EndedOut, **ERRORS}, auth=SIGNED_IN)
def log_out_everywhere_else(request: HttpRequest) -> Any:
    """Sign out every other browser (an access token keeps working)."""
    current = request.session.session_key if hasattr(request, "session") else None
    return EndedOut(ended=security.log_out_everywhere(viewer(request), keep=current))
