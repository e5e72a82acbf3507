"""Settings → Phone and SMS, mounted under /settings/ (namespace "settings")."""

from django.urls import path

from . import settings_views

urlpatterns = [
    path("<slug:slug>/phone/", settings_views.phone_settings, name="phone"),
]
