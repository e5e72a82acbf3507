from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "kundsvar.feedback"
    label = "feedback"
