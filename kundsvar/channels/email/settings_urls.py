"""A shop's outgoing-mail settings, mounted under /settings/ by kundsvar/settings_urls.py
(namespace "settings")."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/outgoing-mail/", views.outgoing, name="outgoing_mail"),
]
