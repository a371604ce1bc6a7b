from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "studyhall.accounts"
    label = "accounts"
