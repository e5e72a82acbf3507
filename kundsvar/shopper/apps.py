from django.apps import AppConfig


class ShopperConfig(AppConfig):
    name = "kundsvar.shopper"
    label = "shopper"
