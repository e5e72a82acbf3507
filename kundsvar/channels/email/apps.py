from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "kundsvar.channels.email"
    label = "mail"
    verbose_name = "Email"
