"""Time-based one-time passwords (RFC 6238, HMAC-SHA1, 6 digits, 30 seconds)
with the standard library only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

DIGITS = 6
STEP = 30


def new_secret() -> str:
    """Return a fresh base32 secret (160 bits), as authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def hotp(secret: str, counter: int, digits: int = DIGITS) -> str:
    """Return the HOTP code (RFC 4226) of a base32 secret for a counter."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def totp(secret: str, at: float | None = None, digits: int = DIGITS) -> str:
    """Return the TOTP code for a moment (now by default)."""
    moment = time.time() if at is None else at
    return hotp(secret, int(moment // STEP), digits)


def matching_step(
    secret: str, code: str, at: float | None = None, window: int = 1
) -> int | None:
    """Return the time step the code belongs to, allowing `window` steps of clock
    drift either way, or None when it matches none."""
    code = "".join(code.split())
    if not code.isdigit() or len(code) != DIGITS:
        return None
    moment = time.time() if at is None else at
    step = int(moment // STEP)
    for candidate in range(step - window, step + window + 1):
        if hmac.compare_digest(hotp(secret, candidate), code):
            return candidate
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """Return the otpauth:// URI an authenticator app can import."""
    label = quote(f"{issuer}:{account}")
    query = urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS})
    return f"otpauth://totp/{label}?{query}"
