"""Compiled SQL kept for queries that every page runs with the same shape.

Building and compiling a queryset with a policy filter costs far more CPU than
running it: the bell's unread count compiles two nested subqueries on every
page a member opens, and the database answers in a fraction of that time.
`count` compiles a query once for each key and afterwards only runs the SQL.
The key must hold everything the query is built from (see
`policy.fingerprint`), so a changed input compiles a new query instead of
reusing an old one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

MAX_ENTRIES = 2048

_compiled: OrderedDict[Hashable, tuple[str, str, tuple[Any, ...]] | None] = (
    OrderedDict()
)
_lock = threading.Lock()


def count(key: Hashable, build: Callable[[], QuerySet[Any]]) -> int:
    """Return how many rows `build()` matches, compiling it only on a new key.

    `build` must return the same query for the same key; it is called only
    when the key is not known yet.
    """
    with _lock:
        known = key in _compiled
        entry = _compiled.get(key)
        if known:
            _compiled.move_to_end(key)
    if not known:
        entry = _compile_count(build())
        with _lock:
            _compiled[key] = entry
            while len(_compiled) > MAX_ENTRIES:
                _compiled.popitem(last=False)
    if entry is None:  # the filter can match nothing, e.g. `pk__in=[]`
        return 0
    alias, sql, params = entry
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def _compile_count(queryset: QuerySet[Any]) -> tuple[str, str, tuple[Any, ...]] | None:
    query = queryset.order_by().values("pk").query
    try:
        sql, params = query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return None
    # The inner SQL is compiled by the ORM with its values as parameters.
    counted = f"SELECT COUNT(*) FROM ({sql}) counted"  # noqa: S608
    return queryset.db, counted, tuple(params)


def forget() -> None:
    """Drop every compiled query (tests that change the schema or settings)."""
    with _lock:
        _compiled.clear()
