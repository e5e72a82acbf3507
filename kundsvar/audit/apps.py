from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kundsvar.audit"
    label = "audit"
    verbose_name = "Service audit (mystery shopping)"
