"""Pages for profiles, the network, mentorship and opportunities."""

from django.urls import path

from studyhall.profiles import views

app_name = "profiles"

urlpatterns = [
    path("people/me/edit/", views.profile_edit, name="profile-edit"),
    path("people/me/photo/", views.avatar_update, name="avatar-update"),
    path("people/<str:handle>/avatar/", views.avatar, name="avatar"),
    path("people/<str:handle>/follow/", views.follow, name="follow"),
    path("people/<str:handle>/connect/", views.connect, name="connect"),
    path("people/<str:handle>/block/", views.block, name="block"),
    path(
        "people/<str:handle>/mentorship/",
        views.mentorship_request,
        name="mentorship-request",
    ),
    path("network/", views.network, name="network"),
    path(
        "network/requests/<int:request_id>/",
        views.connection_answer,
        name="connection-answer",
    ),
    path("network/suggestions/", views.suggestions, name="suggestions"),
    path("feed/", views.feed, name="feed"),
    path("c/<slug:slug>/people/", views.directory, name="directory"),
    path(
        "c/<slug:slug>/people/alumni-and-experts/",
        views.distinctions,
        name="distinctions",
    ),
    path(
        "distinctions/<int:distinction_id>/",
        views.distinction_decide,
        name="distinction-decide",
    ),
    path("c/<slug:slug>/follow/", views.community_follow, name="community-follow"),
    path("portfolio/new/", views.showcase_create, name="showcase-create"),
    path(
        "portfolio/<int:item_id>/delete/", views.showcase_delete, name="showcase-delete"
    ),
    path("portfolio/<int:item_id>/file/", views.showcase_file, name="showcase-file"),
    path("mentoring/", views.mentoring, name="mentoring"),
    path("mentoring/offer/", views.mentoring_offer, name="mentoring-offer"),
    path(
        "mentoring/<int:mentorship_id>/",
        views.mentorship_detail,
        name="mentorship-detail",
    ),
    path(
        "mentoring/<int:mentorship_id>/messages/",
        views.mentorship_message,
        name="mentorship-message",
    ),
    path(
        "mentoring/<int:mentorship_id>/answer/",
        views.mentorship_answer,
        name="mentorship-answer",
    ),
    path(
        "c/<slug:slug>/opportunities/",
        views.opportunity_list,
        name="opportunity-list",
    ),
    path(
        "c/<slug:slug>/opportunities/new/",
        views.opportunity_create,
        name="opportunity-create",
    ),
    path(
        "opportunities/<int:opportunity_id>/",
        views.opportunity_detail,
        name="opportunity-detail",
    ),
    path(
        "opportunities/<int:opportunity_id>/bookmark/",
        views.opportunity_bookmark,
        name="opportunity-bookmark",
    ),
    path(
        "opportunities/<int:opportunity_id>/delete/",
        views.opportunity_delete,
        name="opportunity-delete",
    ),
]
