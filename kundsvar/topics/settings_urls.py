"""The topics' settings page, mounted under /settings/ by kundsvar/settings_urls.py
(namespace "settings")."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/topics/", views.grid, name="topics"),
    path("<slug:slug>/topics/seed/", views.seed, name="topics_seed"),
]
