"""The WebSocket handshake's Origin check, against an explicit list."""

from __future__ import annotations

from typing import Any

from channels.security.websocket import OriginValidator
from django.conf import settings


class AllowedOriginsValidator(OriginValidator):
    """Refuse handshakes whose Origin is missing or not in
    settings.WEBSOCKET_ALLOWED_ORIGINS (read on each handshake)."""

    def __init__(self, application: Any) -> None:
        super().__init__(application, [])

    @property  # type: ignore[override]
    def allowed_origins(self) -> list[str]:
        return list(settings.WEBSOCKET_ALLOWED_ORIGINS)

    @allowed_origins.setter
    def allowed_origins(self, value: list[str]) -> None:
        pass
