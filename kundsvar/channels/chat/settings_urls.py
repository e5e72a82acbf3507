"""The shop's chat settings, mounted under /settings/ by kundsvar/settings_urls.py
(namespace "settings")."""

from django.urls import path

from . import settings_views as views

urlpatterns = [
    path("<slug:slug>/chat/", views.chat_settings, name="chat"),
]
