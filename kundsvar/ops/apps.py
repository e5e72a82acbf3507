from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "kundsvar.ops"
    label = "ops"
