from django.apps import AppConfig


class ChatChannelConfig(AppConfig):
    name = "kundsvar.channels.chat"
    label = "chat"
