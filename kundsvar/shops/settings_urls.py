"""The shop's own settings pages, mounted under /settings/ by kundsvar/settings_urls.py
(namespace "settings")."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.profile, name="profile"),
    path("<slug:slug>/hours/", views.hours, name="hours"),
    path("<slug:slug>/special-days/", views.special_days, name="special_days"),
    path(
        "<slug:slug>/special-days/<int:pk>/delete/",
        views.special_day_delete,
        name="special_day_delete",
    ),
]
