from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kundsvar.core"
    label = "core"
