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
from datetime import UTC, datetime, timedelta
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
# among the compiled parameters. Integers no real id or number reaches, yet
# within an integer column's range (the ORM folds out-of-range comparisons
# into constants); text no real value holds; instants no real one reaches.
_SENTINEL = 2_146_000_000
# (Private-use characters, which search strips from typed text.)
_TEXT_STAND_IN = "\ue010{}\ue011"
_INSTANT_STAND_IN = datetime(2998, 7, 9, 10, 11, 12, 345000, tzinfo=UTC)


def _stand_in(i: int, name: str, value: Any) -> Any:
    """Return a stand-in of the same kind as `value`, the i-th of the query."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"prepared value {name!r} must be an integer, text or datetime")
    if isinstance(value, int):
        return _SENTINEL + i
    if isinstance(value, str):
        return _TEXT_STAND_IN.format(i)
    if isinstance(value, datetime):
        return _INSTANT_STAND_IN + timedelta(microseconds=i)
    raise TypeError(f"prepared value {name!r} must be an integer, text or datetime")


def _as_instant(value: Any) -> Any:
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    return value


def _kind(param: Any) -> type:
    """The kind of a compiled parameter (drivers may wrap integers, e.g. Int4)."""
    if isinstance(param, bool):
        return bool
    for kind in (int, str, datetime):
        if isinstance(param, kind):
            return kind
    return type(param)


def _instant_adapter(ops: Any) -> Callable[[Any], Any]:
    def adapt(value: Any) -> Any:
        return ops.adapt_datetimefield_value(_as_instant(value))

    return adapt


class Prepared:
    """A query of fixed shape, built and compiled once, run with new values.

    `build` takes keyword arguments (integers, text or aware datetimes) and
    returns the queryset; it is called once, with stand-ins of the same kinds
    whose places among the compiled parameters are noted. Each call then runs
    the same SQL with the real values and returns the rows as the queryset
    would (model instances with their select_related rows, or values). Values
    must only ever be compared for equality or order (not tested for None,
    put in lists, or matched as patterns), so the SQL is the same for any
    values; building refuses a value it cannot find again, and a call refuses
    a value of another kind than the one the query was compiled with.
    """

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self.build = build
        self._compiled: _Compiled | None = None

    def __call__(self, **values: Any) -> list[Any]:
        compiled = self._compiled
        if compiled is None:
            # Two threads may both compile at first; either result is right.
            compiled = self._compiled = _Compiled.of(self.build, values)
        return compiled.run(values)

    def forget(self) -> None:
        """Compile again on the next call (tests that switch databases)."""
        self._compiled = None


def _as_int(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    return int(value)


def _as_text(value: Any) -> Any:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return str(value)


class _Compiled:
    def __init__(self, queryset: QuerySet[Any], compiler: Any, sql: str) -> None:
        self.queryset = queryset
        self.compiler = compiler
        self.sql = sql
        self.params: list[Any] = []
        # Parameter index -> (value name, how a real value becomes the parameter)
        self.places: dict[int, tuple[str, Callable[[Any], Any]]] = {}

    @classmethod
    def of(
        cls, build: Callable[..., QuerySet[Any]], values: dict[str, Any]
    ) -> _Compiled:
        names = sorted(values)
        stand_ins = {
            name: _stand_in(i, name, values[name]) for i, name in enumerate(names)
        }
        queryset = build(**stand_ins)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        compiled = cls(queryset, compiler, sql)
        ops = connections[queryset.db].ops
        # Each stand-in as the compiled parameters may hold it: integers and
        # text as they are, instants as the database's adapter writes them.
        found: dict[tuple[type, Any], tuple[str, Callable[[Any], Any]]] = {}
        for name, stand_in in stand_ins.items():
            if isinstance(stand_in, datetime):
                adapt = _instant_adapter(ops)
                found[(datetime, stand_in)] = (name, _as_instant)
                adapted = adapt(stand_in)
                found[(_kind(adapted), adapted)] = (name, adapt)
            elif isinstance(stand_in, int):
                found[(int, stand_in)] = (name, _as_int)
            else:
                found[(str, stand_in)] = (name, _as_text)
        compiled.params = list(params)
        for i, p in enumerate(params):
            try:
                place = found.get((_kind(p), p))
            except TypeError:  # an unhashable parameter is never a stand-in
                continue
            if place is not None:
                compiled.places[i] = place
        missing = set(names) - {name for name, _ in compiled.places.values()}
        if missing:
            raise ValueError(f"prepared query does not compare {sorted(missing)}")
        return compiled

    def run(self, values: dict[str, Any]) -> list[Any]:
        params = list(self.params)
        for i, (name, convert) in self.places.items():
            params[i] = convert(values[name])
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


# --- compiled queries kept per key ---------------------------------------------

# How many keyed queries `rows` and `instances` each keep compiled; the
# oldest go first.
MAX_ROW_QUERIES = 300

_row_queries: OrderedDict[Hashable, _RowQuery | None] = OrderedDict()
_instance_queries: OrderedDict[Hashable, _Compiled | None] = OrderedDict()


def _keyed(
    cache: OrderedDict[Hashable, Any], key: Hashable, compile: Callable[[], Any]
) -> Any:
    """The entry compiled for `key` (the database's vendor is part of it),
    compiling it on a new key and dropping the oldest beyond the limit."""
    full_key = (connections["default"].vendor, key)
    with _lock:
        known = full_key in cache
        entry = cache.get(full_key)
        if known:
            cache.move_to_end(full_key)
    if not known:
        entry = compile()
        with _lock:
            cache[full_key] = entry
            while len(cache) > MAX_ROW_QUERIES:
                cache.popitem(last=False)
    return entry


class _RowQuery:
    """One compiled query and the places of its values among the parameters."""

    def __init__(self, compiled: _Compiled) -> None:
        self.alias = compiled.queryset.db
        self.sql = compiled.sql
        self.params = compiled.params
        self.places = compiled.places

    def run(self, values: dict[str, Any]) -> list[tuple[Any, ...]]:
        params = list(self.params)
        for i, (name, convert) in self.places.items():
            params[i] = convert(values[name])
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            return [tuple(row) for row in cursor.fetchall()]


def _compile_or_none(
    build: Callable[..., QuerySet[Any]], values: dict[str, Any]
) -> _Compiled | None:
    try:
        return _Compiled.of(build, values)
    except EmptyResultSet:  # the filter can match nothing, e.g. `pk__in=[]`
        return None


def rows(
    key: Hashable, build: Callable[..., QuerySet[Any]], **values: int | str
) -> list[tuple[Any, ...]]:
    """Return the rows of `build(**values)` as tuples, compiling it only on a new key.

    The first call for a key builds the queryset with stand-ins for the values
    and notes where each lands among the compiled parameters, as `Prepared`
    does; later calls run that SQL with the new values. The key must hold
    everything the query's shape is built from (see
    `policy.documents_fingerprint`); the values (integers or text) must only
    ever be compared or matched, never decide the shape. Building refuses a
    value it cannot find again.
    """
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise TypeError(f"{name} must be an integer or text")

    def compile() -> _RowQuery | None:
        compiled = _compile_or_none(build, values)
        return None if compiled is None else _RowQuery(compiled)

    entry = _keyed(_row_queries, key, compile)
    return [] if entry is None else entry.run(values)


def instances(
    key: Hashable, build: Callable[..., QuerySet[Any]], **values: int
) -> list[Any]:
    """Like `rows`, with integer values only, but return what the queryset
    would: model instances with their select_related rows, or values."""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an integer")
    entry = _keyed(_instance_queries, key, lambda: _compile_or_none(build, values))
    return [] if entry is None else entry.run(values)


def forget_rows() -> None:
    """Drop every query `rows` and `instances` compiled (tests that switch
    databases)."""
    with _lock:
        _row_queries.clear()
        _instance_queries.clear()
