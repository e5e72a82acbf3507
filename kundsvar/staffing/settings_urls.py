"""The shifts settings page, mounted under /settings/ (namespace "settings")."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/shifts/", views.shifts, name="shifts"),
    path("<slug:slug>/shifts/<int:pk>/delete/", views.shift_delete, name="shift_delete"),
    path(
        "<slug:slug>/shifts/exceptions/<int:pk>/delete/",
        views.exception_delete,
        name="shift_exception_delete",
    ),
]
