from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "kundsvar.customers"
    label = "customers"
