"""Customers' order pages, at the site root beside the other public pages."""

from django.urls import path

from . import views

app_name = "commerce"
urlpatterns = [
    path("o/<str:token>/", views.status, name="status"),
    path("s/<slug:shop>/order/", views.lookup, name="lookup"),
]
