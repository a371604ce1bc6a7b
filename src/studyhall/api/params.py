"""Parameter types shared by the API's endpoints."""

from __future__ import annotations

from typing import Annotated

from ninja import Path, Query

from studyhall.api.pagination import MAX_LIMIT

# Ids outside a database's BIGINT would fail in the query; they name nothing.
ID_MAX = 2**63 - 1

Id = Annotated[int, Path(ge=1, le=ID_MAX)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[
    str | None, Query(description="The `next_cursor` of the previous page.")
]
