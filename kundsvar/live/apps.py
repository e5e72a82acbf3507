from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "kundsvar.live"
    label = "live"
