from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.index, name="index"),
    path("bell/", views.bell, name="bell"),
    path("read/", views.read, name="read"),
    path("settings/", views.settings_page, name="settings"),
    path("events/", views.stream, name="events"),
    path("poll/", views.poll, name="poll"),
]
