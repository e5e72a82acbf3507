from django.apps import AppConfig


class ShopsConfig(AppConfig):
    name = "kundsvar.shops"
    label = "shops"
