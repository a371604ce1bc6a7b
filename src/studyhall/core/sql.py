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


# Stand-ins for a prepared query's values while it compiles, each found again
# among the compiled parameters: integers no real id or number reaches, yet
# within an integer column's range (the ORM folds out-of-range comparisons
# into constants).
_SENTINEL = 2_146_000_000


class Prepared:
    """A query of fixed shape, built and compiled once, run with new values.

    `build` takes integer keyword arguments and returns the queryset; it is
    called once, with stand-ins whose places among the compiled parameters
    are noted. Each call then runs the same SQL with the real values and
    returns the rows as the queryset would (model instances with their
    select_related rows, or values). Values must only ever be compared (not
    tested for None or put in lists), so the SQL is the same for any values;
    building refuses a value it cannot find again.
    """

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self.build = build
        self._compiled: _Compiled | None = None

    def __call__(self, **values: int) -> list[Any]:
        compiled = self._compiled
        if compiled is None:
            # Two threads may both compile at first; either result is right.
            compiled = self._compiled = _Compiled.of(self.build, sorted(values))
        return compiled.run(values)

    def forget(self) -> None:
        """Compile again on the next call (tests that switch databases)."""
        self._compiled = None


class _Compiled:
    def __init__(self, queryset: QuerySet[Any], compiler: Any, sql: str) -> None:
        self.queryset = queryset
        self.compiler = compiler
        self.sql = sql
        self.params: list[Any] = []
        self.places: dict[int, str] = {}

    @classmethod
    def of(cls, build: Callable[..., QuerySet[Any]], names: list[str]) -> _Compiled:
        stand_ins = {name: _SENTINEL + i for i, name in enumerate(names)}
        queryset = build(**stand_ins)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        compiled = cls(queryset, compiler, sql)
        by_value = {v: k for k, v in stand_ins.items()}
        compiled.params = list(params)
        compiled.places = {
            i: by_value[p]
            for i, p in enumerate(params)
            if isinstance(p, int) and p in by_value
        }
        missing = set(names) - set(compiled.places.values())
        if missing:
            raise ValueError(f"prepared query does not compare {sorted(missing)}")
        return compiled

    def run(self, values: dict[str, int]) -> list[Any]:
        params = list(self.params)
        for i, name in self.places.items():
            params[i] = int(values[name])
        answer = (self.sql, tuple(params))
        first = self.compiler
        queryset = self.queryset.all()  # a clone with no results yet
        query = queryset.query
        make_compiler = query.get_compiler

        def get_compiler(*args: Any, **kwargs: Any) -> Any:
            # This thread's connection, with what compiling worked out.
            compiler = make_compiler(*args, **kwargs)
            compiler.select = first.select
            compiler.klass_info = first.klass_info
            compiler.annotation_col_map = first.annotation_col_map
            compiler.col_count = first.col_count
            compiler.has_extra_select = first.has_extra_select
            compiler.as_sql = lambda *a, **k: answer
            return compiler

        query.get_compiler = get_compiler  # type: ignore[method-assign]
        return list(queryset)
