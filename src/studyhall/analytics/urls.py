from django.urls import path

from studyhall.analytics import views

app_name = "analytics"

urlpatterns = [
    path("c/<slug:slug>/analytics/", views.analytics_page, name="analytics"),
    path(
        "c/<slug:slug>/analytics/export.csv",
        views.analytics_export,
        name="analytics-export",
    ),
]
