from django.urls import path

from studyhall.privacy import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.privacy_page, name="privacy"),
    path("privacy/my-data/", views.my_data, name="my-data"),
    path("privacy/my-data/export/", views.export_request, name="export-request"),
    path(
        "privacy/my-data/exports/<int:export_id>/",
        views.export_download,
        name="export-download",
    ),
    path("privacy/my-data/keep/", views.deletion_cancel, name="deletion-cancel"),
    path("privacy/my-data/delete-now/", views.delete_now, name="delete-now"),
]
