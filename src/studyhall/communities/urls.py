from django.urls import path

from studyhall.communities import views

app_name = "communities"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/new/", views.community_create, name="community-create"),
    path("c/<slug:slug>/about/", views.community_about, name="community-about"),
    path("c/<slug:slug>/join/", views.community_join, name="community-join"),
    path(
        "c/<slug:slug>/invite/<str:token>/",
        views.community_invite,
        name="community-invite",
    ),
    path(
        "c/<slug:slug>/invite-link/reset/",
        views.invite_link_reset,
        name="invite-link-reset",
    ),
    path("c/<slug:slug>/leave/", views.community_leave, name="community-leave"),
    path("c/<slug:slug>/members/", views.members, name="members"),
    path(
        "c/<slug:slug>/members/<int:membership_id>/",
        views.member_update,
        name="member-update",
    ),
    path(
        "c/<slug:slug>/settings/", views.community_settings, name="community-settings"
    ),
]
