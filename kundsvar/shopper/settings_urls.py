"""The logged-in shoppers' settings page, mounted under /settings/ (namespace "settings")."""

from django.urls import path

from . import settings_views as views

urlpatterns = [
    path("<slug:slug>/logged-in-shoppers/", views.identity_settings, name="shopper_identity"),
]
