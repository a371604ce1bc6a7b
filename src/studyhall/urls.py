"""URL map: pages by app, the REST API under /api/v1/."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from studyhall.api.api import api


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", include("studyhall.communities.urls")),
    path("", include("studyhall.discussions.urls")),
    path("", include("studyhall.chat.urls")),
    path("", include("studyhall.groups.urls")),
    path("", include("studyhall.library.urls")),
    path("", include("studyhall.live.urls")),
    path("", include("studyhall.recognition.urls")),
    path("accounts/", include("studyhall.accounts.urls")),
    path("", include("studyhall.notifications.urls")),
    path("", include("studyhall.profiles.urls")),
    path("", include("studyhall.search.urls")),
    path("", include("studyhall.moderation.urls")),
    path("security/", include("studyhall.security.urls")),
    path("", include("studyhall.privacy.urls")),
    path("", include("studyhall.analytics.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", healthz),
]
