from django.urls import path

from studyhall.moderation import site_views, views

app_name = "moderation"

urlpatterns = [
    path(
        "flag/<str:content_type>/<int:object_id>/",
        views.flag_create,
        name="flag-create",
    ),
    path(
        "appeal/<str:content_type>/<int:object_id>/",
        views.appeal_create,
        name="appeal-create",
    ),
    path("moderation/mine/", views.mine, name="mine"),
    path("report/message/<int:message_id>/", site_views.dm_report, name="dm-report"),
    path("moderation/site/", site_views.site_queue, name="site-queue"),
    path(
        "moderation/site/cases/<int:case_id>/",
        site_views.site_case,
        name="site-case",
    ),
    path("moderation/site/log/", site_views.site_log, name="site-log"),
    path("c/<slug:slug>/guidelines/", views.guidelines, name="guidelines"),
    path("c/<slug:slug>/moderation/", views.queue, name="queue"),
    path(
        "c/<slug:slug>/moderation/items/<str:content_type>/<int:object_id>/",
        views.item_review,
        name="item-review",
    ),
    path(
        "c/<slug:slug>/moderation/posts/<int:post_pk>/edit/",
        views.post_edit,
        name="post-edit",
    ),
    path(
        "c/<slug:slug>/moderation/posts/<int:post_pk>/label/",
        views.post_label,
        name="post-label",
    ),
    path(
        "c/<slug:slug>/moderation/threads/<int:thread_id>/",
        views.thread_actions,
        name="thread-actions",
    ),
    path(
        "c/<slug:slug>/moderation/members/<int:membership_id>/",
        views.member_restrict,
        name="member-restrict",
    ),
    path("c/<slug:slug>/moderation/log/", views.audit_log, name="audit-log"),
    path("c/<slug:slug>/moderation/blackouts/", views.blackouts, name="blackouts"),
    path("c/<slug:slug>/moderation/workload/", views.workload, name="workload"),
    path(
        "c/<slug:slug>/moderation/settings/",
        views.moderation_settings,
        name="settings",
    ),
]
