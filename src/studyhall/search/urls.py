from django.urls import path

from studyhall.search import views

app_name = "search"

urlpatterns = [
    path("search/", views.results, name="results"),
    path("search/for-me/", views.for_me, name="for-me"),
    path("search/merge/<int:pk>/", views.thread_merge, name="thread-merge"),
]
