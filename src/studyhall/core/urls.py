"""URL reversal remembered per process.

`reverse()` walks the URL patterns and quotes every argument each time; a
thread page reverses about twenty URLs, most of them the same on every page
(the navigation, the footer) or the same for every post of one thread.
`reverse_cached` answers a name and arguments it has seen before from a
bounded table (the oldest entry dropped first) kept on the URL resolver itself, so `clear_url_caches()` (which
Django calls when the URLconf changes, e.g. `override_settings(ROOT_URLCONF=...)`)
drops the table with the resolver. The key also holds everything else a
reversal reads: the script prefix, the current application namespace and the
active language. Only plain `int` and `str` arguments are remembered (their
type is part of the key, so `1`, `True` and `"1"` stay apart); anything else
is reversed afresh every time. A name that cannot be reversed is never
remembered, so it raises `NoReverseMatch` every time, as `reverse()` does.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.safestring import SafeString

MAX_ENTRIES = 4096

_ATTRIBUTE = "_studyhall_reversed"
_CACHEABLE = frozenset({int, str, SafeString})
_lock = threading.Lock()


def _table() -> OrderedDict[Hashable, str]:
    resolver = get_resolver(get_urlconf())
    table = getattr(resolver, _ATTRIBUTE, None)
    if table is None:
        with _lock:
            table = getattr(resolver, _ATTRIBUTE, None)
            if table is None:
                table = OrderedDict()
                setattr(resolver, _ATTRIBUTE, table)
    return table


def _plain(value: Any) -> bool:
    return type(value) in _CACHEABLE


def reverse_cached(
    viewname: str,
    args: Sequence[Any] | None = None,
    kwargs: Mapping[str, Any] | None = None,
    current_app: str | None = None,
) -> str:
    """Return what `django.urls.reverse` returns, remembering plain answers."""
    args = tuple(args) if args else ()
    items = tuple(sorted(kwargs.items())) if kwargs else ()
    if (
        type(viewname) not in _CACHEABLE
        or not all(_plain(a) for a in args)
        or not all(_plain(v) for _, v in items)
    ):
        return reverse(viewname, args=args, kwargs=dict(items), current_app=current_app)
    key = (
        viewname,
        tuple((type(a) is int, a) for a in args),
        tuple((k, type(v) is int, v) for k, v in items),
        current_app,
        get_script_prefix(),
        translation.get_language(),
    )
    table = _table()
    url = table.get(key)
    if url is not None:
        return url
    url = reverse(viewname, args=args, kwargs=dict(items), current_app=current_app)
    with _lock:
        table[key] = url
        while len(table) > MAX_ENTRIES:
            table.popitem(last=False)
    return url
