from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "kundsvar.insights"
    label = "insights"
