from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "kundsvar.workspace"
    label = "workspace"
