from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "kundsvar.cases"
    label = "cases"
