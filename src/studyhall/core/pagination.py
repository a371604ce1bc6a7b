"""Page-number pagination that never loads more than one page of rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Model, QuerySet

T = TypeVar("T")
M = TypeVar("M", bound=Model)


@dataclass
class Page(Generic[T]):
    items: list[T]
    number: int
    page_count: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.page_count

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1


def parse_page_number(value: str | None) -> int:
    """Return a page number from a query-string value; bad values mean page 1."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return max(number, 1)


def paginate(
    queryset: QuerySet[M], number: int, size: int, total: int | None = None
) -> Page[M]:
    """Return one page of the queryset; a number past the end gives the last page.

    Pass `total` when the count is already known (a counter column) to save a query.
    """
    if total is None:
        total = queryset.count()
    page_count = max(1, -(-total // size))
    number = min(max(number, 1), page_count)
    start = (number - 1) * size
    items = list(queryset[start : start + size])
    return Page(items=items, number=number, page_count=page_count, total=total)
