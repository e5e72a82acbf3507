from django.urls import path

from . import hooks

app_name = "social_hooks"
urlpatterns = [path("meta/<str:token>/", hooks.meta, name="meta")]
