"""The WebSocket origin list: explicit, and no wildcard in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import studyhall.settings as s; print(s.WEBSOCKET_ALLOWED_ORIGINS)",
        ],
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "SECRET_KEY": "x" * 50,
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_refuse_a_wildcard_origin():
    refused = _load_settings(WEBSOCKET_ALLOWED_ORIGINS="*", DEBUG="0")
    allowed = _load_settings(WEBSOCKET_ALLOWED_ORIGINS="*", DEBUG="1")

    assert refused.returncode != 0 and "WEBSOCKET_ALLOWED_ORIGINS" in refused.stderr
    assert allowed.returncode == 0


def test_origins_default_to_the_site_url():
    result = _load_settings(
        SITE_URL="https://hall.example.org", WEBSOCKET_ALLOWED_ORIGINS=""
    )

    assert result.stdout.strip() == "['https://hall.example.org']"
