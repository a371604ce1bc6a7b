"""Clean text that people type before it is validated or stored."""

from __future__ import annotations


def clean_text(value: str) -> str:
    """Return the text without NUL characters and with lone surrogates replaced.

    PostgreSQL refuses NUL in text and no database can store half of a
    surrogate pair; both arrive from pasted or crafted input.
    """
    value = value.replace("\x00", "")
    return value.encode("utf-8", "replace").decode("utf-8")


def parse_id(value: str | None) -> int | None:
    """Return a positive id from a query-string value, or None if it is not one."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > 18:
        return None
    return int(value)
