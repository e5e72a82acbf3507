from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "kundsvar.portal"
    label = "portal"
