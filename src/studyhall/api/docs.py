"""Interactive API documentation served entirely from this site.

django-ninja ships Swagger UI's files; with "ninja" in INSTALLED_APPS its
template loads them from STATIC_URL, so the page needs no CDN. Swagger UI's
online spec validator is switched off, so the page makes no outside request
at all, and the CSRF token is passed so "Try it out" works with a session.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI

SWAGGER_SETTINGS = {
    "validatorUrl": None,
    "persistAuthorization": False,
    "tryItOutEnabled": False,
}


class LocalSwagger(Swagger):
    template = "ninja/swagger.html"

    def render_page(
        self, request: HttpRequest, api: NinjaAPI, **kwargs: Any
    ) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {
            "swagger_settings": json.dumps(settings, indent=1),
            "api": api,
            "add_csrf": True,
        }
        return render(request, self.template, context)
