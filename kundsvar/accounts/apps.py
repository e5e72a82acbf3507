from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kundsvar.accounts"
    label = "accounts"
