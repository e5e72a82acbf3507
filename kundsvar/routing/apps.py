from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "kundsvar.routing"
    label = "routing"
