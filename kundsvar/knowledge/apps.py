from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "kundsvar.knowledge"
    label = "knowledge"
