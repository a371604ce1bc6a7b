from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "studyhall.library"
    label = "library"
