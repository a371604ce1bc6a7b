"""The one domain error type that every surface maps to a readable message."""

from __future__ import annotations


class DomainError(Exception):
    """A broken domain rule, with a readable message and a stable code."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


class RateLimited(DomainError):
    """Too many actions of one kind lately; `retry_after` is the wait in seconds."""

    def __init__(self, message: str, *, code: str, retry_after: int) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after
