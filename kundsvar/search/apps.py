from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "kundsvar.search"
    label = "search"
