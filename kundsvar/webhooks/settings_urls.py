"""Settings → Webhooks, mounted under /settings/ (namespace "settings")."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/webhooks/", views.webhooks, name="webhooks"),
]
