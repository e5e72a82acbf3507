from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "kundsvar.staffing"
    label = "staffing"
