"""The REST API root, mounted at /api/v1/.

Thin by design: each endpoint parses input, calls the same service or
selector as the pages, and shapes the answer. docs/api.md describes
authentication, pagination, errors and the endpoints.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI

from studyhall.analytics.api import router as analytics_router
from studyhall.api import (
    accounts,
    chat,
    communities,
    groups,
    library,
    live,
    moderation,
    privacy,
    profiles,
    search,
    threads,
)
from studyhall.api.docs import SWAGGER_SETTINGS, LocalSwagger
from studyhall.api.errors import NOT_FOUND_MESSAGE, error_body, install_error_handlers
from studyhall.api.security import AnonymousAccess
from studyhall.notifications import api as notifications
from studyhall.recognition.api import router as recognition_router

DESCRIPTION = """\
The studyhall REST API: the same rules and data as the pages.

**Authentication**: the login session (send the `csrftoken` cookie's value as
`X-CSRFToken` on POST, PUT, PATCH and DELETE), or a personal access token as
`Authorization: Bearer sh_…`. Reads of public communities need neither.

**Lists** are paged by cursor: pass `next_cursor` back as `cursor`; `limit`
is 1 to 100 (default 20).

**Errors** share one shape:
`{"error": {"code": "...", "message": "...", "fields": {...}}}`.
"""


class StudyhallAPI(NinjaAPI):
    """NinjaAPI that answers in the one JSON error shape even outside operations."""

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = self._json_fallbacks(pattern.callback)
        # Anything else under the API's prefix is an unknown route.
        urls.append(re_path(r"^.*$", self._json_fallbacks(_no_route)))
        return urls

    def _json_fallbacks(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a view so 404s raised outside an operation and 405s answer in JSON."""

        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            try:
                response = view(request, *args, **kwargs)
            except Http404:
                return self.create_response(
                    request, error_body("not_found", NOT_FOUND_MESSAGE), status=404
                )
            if isinstance(response, HttpResponseNotAllowed):
                allowed = response["Allow"]
                response = self.create_response(
                    request,
                    error_body(
                        "method_not_allowed",
                        f"This address accepts {allowed} only.",
                    ),
                    status=405,
                )
                response["Allow"] = allowed
            return response

        wrapped.csrf_exempt = True  # type: ignore[attr-defined]
        return wrapped

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        # Reads that allow anyone list an empty requirement, OpenAPI's way of
        # saying "credentials optional".
        anonymous = AnonymousAccess.__name__
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                security = operation.get("security")
                if security:
                    operation["security"] = [
                        {} if anonymous in item else item for item in security
                    ]
        schemes = schema.get("components", {}).get("securitySchemes", {})
        schemes.pop(anonymous, None)
        return schema


def _no_route(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


api = StudyhallAPI(
    title="studyhall API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-1.0.0",
    docs=LocalSwagger(settings=SWAGGER_SETTINGS),
)
install_error_handlers(api)
api.add_router("", accounts.router)
api.add_router("", communities.router)
api.add_router("", threads.router)
api.add_router("", notifications.router)
api.add_router("", chat.router)
api.add_router("", groups.router)
api.add_router("", live.router)
api.add_router("", library.router)
api.add_router("", recognition_router)
api.add_router("", profiles.router)
api.add_router("", search.router)
api.add_router("", moderation.router)
api.add_router("", privacy.router)
api.add_router("", analytics_router)
