"""The routing settings page, mounted under /settings/ (namespace "settings")."""

from django.urls import path

from . import views

urlpatterns = [path("<slug:slug>/routing/", views.routing, name="routing")]
