from django.urls import path

from studyhall.library import views

app_name = "library"

urlpatterns = [
    path("c/<slug:slug>/library/", views.item_list, name="item-list"),
    path("c/<slug:slug>/library/new/", views.item_create, name="item-create"),
    path("c/<slug:slug>/library/export.bib", views.export, name="export"),
    path("g/<int:pk>/library/", views.item_list, name="group-shelf"),
    path("g/<int:pk>/library/new/", views.item_create, name="group-item-create"),
    path("g/<int:pk>/library/export.bib", views.export, name="group-export"),
    path("library/<int:pk>/", views.item_detail, name="item-detail"),
    path("library/<int:pk>/useful/", views.item_useful, name="item-useful"),
    path("library/<int:pk>/save/", views.item_save, name="item-save"),
    path("library/<int:pk>/recommend/", views.item_recommend, name="item-recommend"),
    path("library/<int:pk>/delete/", views.item_delete, name="item-delete"),
    path("library/<int:pk>/file/", views.item_download, name="item-download"),
    path("library/reading-list/", views.reading_list, name="reading-list"),
]
