"""Settings → Data retention, mounted under /settings/ (namespace "settings")."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/retention/", views.retention_settings, name="retention"),
]
