from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "kundsvar.sla"
    label = "sla"
