from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "kundsvar.workspace"
    label = "workspace"

    def ready(self):
        # An erased customer's cases lose the agents' unsent drafts too (GDPR): the erasure
        # lives in ops, which may not import the workspace, so the workspace hands it over.
        from kundsvar.ops import gdpr

        from .services import forget_drafts

        gdpr.register_case_eraser("drafts", forget_drafts)
