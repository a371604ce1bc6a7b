from django.urls import path

from studyhall.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read-all/", views.read_all, name="read-all"),
    path("notifications/<int:pk>/", views.notification_open, name="open"),
    path("notifications/<int:pk>/read/", views.notification_read, name="read"),
    path("notifications/settings/", views.settings_page, name="settings"),
    path("notifications/mute/", views.mute, name="mute"),
    path(
        "notifications/follow/<str:target_type>/<int:target_id>/",
        views.follow,
        name="follow",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.unsubscribe,
        name="unsubscribe",
    ),
    path("notifications/mail/bounce/", views.bounce_webhook, name="bounce"),
    path("notifications/mail/inbound/", views.inbound_webhook, name="inbound"),
]
