from django.urls import path

from studyhall.discussions import views

app_name = "discussions"

urlpatterns = [
    path("c/<slug:slug>/", views.thread_list, name="thread-list"),
    path("c/<slug:slug>/new/", views.thread_create, name="thread-create"),
    path("c/<slug:slug>/categories/", views.category_manage, name="category-manage"),
    path("t/<int:pk>/", views.thread_detail, name="thread-detail"),
    path("t/<int:pk>/reply/", views.reply_create, name="reply-create"),
    path("t/<int:pk>/n/<int:number>/", views.thread_jump, name="thread-jump"),
    path("t/<int:pk>/pin/", views.thread_pin, name="thread-pin"),
    path("t/<int:pk>/unaccept/", views.thread_unaccept, name="thread-unaccept"),
    path("p/<int:pk>/", views.post_permalink, name="post-detail"),
    path("p/<int:pk>/edit/", views.post_edit, name="post-edit"),
    path("p/<int:pk>/delete/", views.post_delete, name="post-delete"),
    path("p/<int:pk>/history/", views.post_history, name="post-history"),
    path("p/<int:pk>/accept/", views.post_accept, name="post-accept"),
    path("p/<int:pk>/endorse/", views.post_endorse, name="post-endorse"),
    path("p/<int:pk>/react/", views.post_react, name="post-react"),
    path("compose/preview/", views.preview, name="preview"),
    path("compose/draft/", views.draft_save, name="draft-save"),
]
