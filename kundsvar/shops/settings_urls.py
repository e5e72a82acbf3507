"""The shop's own settings pages, mounted under /settings/ by kundsvar/settings_urls.py
(namespace "settings"). Agents and teams are accounts' views."""

from django.urls import path

from kundsvar.accounts import views as accounts
from kundsvar.channels.email import views as mail

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
    path("<slug:slug>/response-times/", views.policies, name="policies"),
    path("<slug:slug>/response-times/new/", views.policy_edit, name="policy_new"),
    path("<slug:slug>/response-times/<int:pk>/", views.policy_edit, name="policy_edit"),
    path("<slug:slug>/response-times/<int:pk>/delete/", views.policy_delete, name="policy_delete"),
    path("<slug:slug>/agents/", accounts.members, name="members"),
    path("<slug:slug>/agents/new/", accounts.member_new, name="member_new"),
    path("<slug:slug>/agents/<int:pk>/role/", accounts.member_role, name="member_role"),
    path("<slug:slug>/agents/<int:pk>/remove/", accounts.member_remove, name="member_remove"),
    path("<slug:slug>/teams/", accounts.teams, name="teams"),
    path("<slug:slug>/teams/new/", accounts.team_edit, name="team_new"),
    path("<slug:slug>/teams/<int:pk>/", accounts.team_edit, name="team_edit"),
    path("<slug:slug>/teams/<int:pk>/delete/", accounts.team_delete, name="team_delete"),
    path("<slug:slug>/outgoing-mail/", mail.outgoing, name="outgoing_mail"),
]
