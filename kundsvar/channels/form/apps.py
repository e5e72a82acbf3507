from django.apps import AppConfig


class FormChannelConfig(AppConfig):
    name = "kundsvar.channels.form"
    label = "form"
