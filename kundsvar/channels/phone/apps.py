from django.apps import AppConfig


class PhoneChannelConfig(AppConfig):
    name = "kundsvar.channels.phone"
    label = "phone"
    verbose_name = "Phone and SMS"
