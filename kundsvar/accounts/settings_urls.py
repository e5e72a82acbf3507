"""A shop's agents and teams, mounted under /settings/ by kundsvar/settings_urls.py
(namespace "settings")."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/agents/", views.members, name="members"),
    path("<slug:slug>/agents/new/", views.member_new, name="member_new"),
    path("<slug:slug>/agents/<int:pk>/role/", views.member_role, name="member_role"),
    path("<slug:slug>/agents/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("<slug:slug>/teams/", views.teams, name="teams"),
    path("<slug:slug>/teams/new/", views.team_edit, name="team_new"),
    path("<slug:slug>/teams/<int:pk>/", views.team_edit, name="team_edit"),
    path("<slug:slug>/teams/<int:pk>/delete/", views.team_delete, name="team_delete"),
]
