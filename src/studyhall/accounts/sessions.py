"""Sessions in the database, looked up with a query compiled once.

Django's database session store builds and compiles the same query on every
signed-in request: the session by key, unexpired. This store runs that exact
query through `core.sql.Prepared`, so each request only runs its SQL. What is
checked stays the same: a session key that fails Django's validation (too
short, or missing) is never looked up, an expired session is not loaded, and
a session that is not found is dropped (a new key is made when it is saved).
Everything else (saving, cycling keys, clearing expired sessions) is Django's.

Used through `SESSION_ENGINE = "studyhall.accounts.sessions"`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from studyhall.core.sql import Prepared

_unexpired = Prepared(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now)
)


class SessionStore(DatabaseStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key  # None unless it passed Django's validation
        if key is None:
            return None  # no session row has no key
        if self.model is not Session:
            return super()._get_session_from_db()  # type: ignore[misc]
        found = _unexpired(key=key, now=timezone.now())
        if not found:
            self._session_key = None
            return None
        return found[0]
