from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kundsvar.demo"
    label = "demo"
