from django.apps import AppConfig


class HooksConfig(AppConfig):
    name = "kundsvar.channels.hooks"
    label = "hooks"
    verbose_name = "Inbound webhooks"
