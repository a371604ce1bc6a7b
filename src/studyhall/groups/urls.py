from django.urls import path

from studyhall.groups import views

app_name = "groups"

urlpatterns = [
    path("c/<slug:slug>/groups/", views.group_list, name="group-list"),
    path("c/<slug:slug>/groups/new/", views.group_create, name="group-create"),
    path("g/<int:pk>/", views.group_detail, name="group-detail"),
    path("g/<int:pk>/edit/", views.group_edit, name="group-edit"),
    path("g/<int:pk>/join/", views.group_join, name="group-join"),
    path("g/<int:pk>/leave/", views.group_leave, name="group-leave"),
    path("g/<int:pk>/approve/", views.group_approve, name="group-approve"),
    path("g/<int:pk>/invite/", views.group_invite, name="group-invite"),
    path("g/<int:pk>/role/", views.group_role, name="group-role"),
    path("g/<int:pk>/resources/", views.resource_add, name="resource-add"),
    path("g/<int:pk>/tasks/", views.task_add, name="task-add"),
    path("g/<int:pk>/sessions/new/", views.session_create, name="session-create"),
    path("g/resources/<int:pk>/", views.resource_download, name="resource-download"),
    path("g/resources/<int:pk>/delete/", views.resource_delete, name="resource-delete"),
    path("g/tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("g/sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("g/sessions/<int:pk>/rsvp/", views.session_rsvp, name="session-rsvp"),
    path("g/sessions/<int:pk>/notes/", views.session_notes, name="session-notes"),
    path("groups/mine/", views.my_groups, name="my-groups"),
    path("groups/feeds/", views.feed_create, name="feed-create"),
    path("groups/feeds/<int:pk>/revoke/", views.feed_revoke, name="feed-revoke"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
