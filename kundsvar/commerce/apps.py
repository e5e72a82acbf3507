from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "kundsvar.commerce"
    label = "commerce"
