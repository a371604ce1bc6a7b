"""The person making the request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from studyhall.api import schemas
from studyhall.api.schemas import ErrorOut
from studyhall.api.security import SIGNED_IN, viewer

router = Router(tags=["accounts"])


@router.get("/me", response={200: schemas.MeOut, 401: ErrorOut}, auth=SIGNED_IN)
def me(request: HttpRequest) -> Any:
    """Show who the session or access token belongs to."""
    user = viewer(request)
    return schemas.MeOut(
        handle=user.handle,
        display_name=user.display_name,
        email=user.email,
        is_email_verified=user.email_verified_at is not None,
    )
