"""Keyset (cursor) pagination for API lists.

A cursor is URL-safe base64 of a small JSON document: the listing it belongs
to and the sort key of the last item sent, ending with its primary key. The
next page starts strictly after that key, so rows added or removed between
requests never make items repeat or vanish, and no page costs an OFFSET scan.
Clients treat the cursor as opaque; a malformed or foreign one answers 400.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models import Q, QuerySet

from studyhall.api.errors import BadCursor

T = TypeVar("T", bound=models.Model)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Larger than any sort key a listing uses; refuses absurd input early.
MAX_CURSOR_LENGTH = 1000
BIGINT_MAX = 2**63 - 1
MAX_TEXT_KEY = 500


@dataclass
class KeysetPage(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _order_fields(queryset: QuerySet[T]) -> list[tuple[str, bool]]:
    """Return (field name, descending) pairs of the queryset's explicit ordering."""
    fields: list[tuple[str, bool]] = []
    for item in queryset.query.order_by:
        if not isinstance(item, str) or "__" in item:
            raise ValueError(f"cannot page on ordering {item!r}")
        fields.append((item.lstrip("-"), item.startswith("-")))
    if not fields or fields[-1][0] not in {"pk", "id"}:
        raise ValueError("keyset pagination needs an ordering that ends with the pk")
    return fields


def _model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    assert isinstance(field, models.Field)
    if field.null:
        raise ValueError(f"cannot page on nullable field {name!r}")
    return field


def _dump_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _load_value(field: models.Field[Any, Any], value: Any) -> Any:
    """Return the cursor value as the field's Python type, or raise BadCursor."""
    loaded = _parse_value(field, value)
    if loaded is None:
        raise BadCursor("The cursor is not valid for this list.")
    return loaded


def _parse_value(field: models.Field[Any, Any], value: Any) -> Any:
    if isinstance(field, models.BooleanField):
        return value if isinstance(value, bool) else None
    if isinstance(field, models.DateTimeField):
        return _parse_datetime(value)
    if isinstance(field, models.IntegerField | models.AutoField):
        is_int = isinstance(value, int) and not isinstance(value, bool)
        return value if is_int and abs(value) <= BIGINT_MAX else None
    if isinstance(field, models.CharField | models.TextField):
        is_text = isinstance(value, str) and len(value) <= MAX_TEXT_KEY
        return value if is_text else None
    return None


def _parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    # Keys are stored aware; a naive value was not made by encode_cursor.
    return parsed if parsed.tzinfo is not None else None


def encode_cursor(scope: str, key: list[Any]) -> str:
    """Return the opaque cursor for a position in a listing."""
    raw = json.dumps({"s": scope, "k": [_dump_value(v) for v in key]})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, scope: str) -> list[Any]:
    """Return the raw key values of a cursor made for this scope, or raise BadCursor."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise BadCursor("The cursor is not valid for this list.")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise BadCursor("The cursor is not valid for this list.") from error
    if (
        not isinstance(data, dict)
        or data.get("s") != scope
        or not isinstance(data.get("k"), list)
    ):
        raise BadCursor("The cursor belongs to another list or ordering.")
    return data["k"]


def _after(fields: list[tuple[str, bool]], values: list[Any]) -> Q:
    """Return the condition for rows strictly after `values` in the ordering."""
    condition = Q()
    for index, (name, descending) in enumerate(fields):
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[index]})
        for earlier in range(index):
            step &= Q(**{fields[earlier][0]: values[earlier]})
        condition |= step
    return condition


def keyset_page(
    queryset: QuerySet[T],
    *,
    scope: str,
    cursor: str | None,
    limit: int = DEFAULT_LIMIT,
) -> KeysetPage[T]:
    """Return up to `limit` rows after the cursor, and the cursor of the next page.

    The queryset must be ordered by plain, non-null fields ending with the
    primary key. `scope` names the listing and ordering so a cursor cannot be
    replayed against a different one. Costs one query (limit + 1 rows).
    """
    limit = max(1, min(limit, MAX_LIMIT))
    fields = _order_fields(queryset)
    model_fields = [_model_field(queryset.model, name) for name, _ in fields]
    if cursor:
        raw = decode_cursor(cursor, scope)
        if len(raw) != len(fields):
            raise BadCursor("The cursor belongs to another list or ordering.")
        values = [_load_value(f, v) for f, v in zip(model_fields, raw, strict=True)]
        queryset = queryset.filter(_after(fields, values))
    rows = list(queryset[: limit + 1])
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        key = [getattr(last, name) for name, _ in fields]
        next_cursor = encode_cursor(scope, key)
    return KeysetPage(items=items, next_cursor=next_cursor)
