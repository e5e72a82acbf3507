"""Mounted under /settings/ by kundsvar/settings_urls.py (namespace "settings")."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/incoming-events/", views.inbound, name="inbound_events"),
]
