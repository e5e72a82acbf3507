from django.apps import AppConfig


class AutomationsConfig(AppConfig):
    name = "kundsvar.automations"
    label = "automations"
