from django.apps import AppConfig


class SocialChannelConfig(AppConfig):
    name = "kundsvar.channels.social"
    label = "social"
    verbose_name = "Messenger, Instagram and WhatsApp"
