"""The automations settings pages, mounted under /settings/ (namespace "settings")."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/automations/", views.rules, name="automations"),
    path("<slug:slug>/automations/new/", views.rule, name="automation_new"),
    path("<slug:slug>/automations/suggested/", views.suggest, name="automations_suggest"),
    path("<slug:slug>/automations/<int:pk>/", views.rule, name="automation"),
    path("<slug:slug>/automations/<int:pk>/switch/", views.switch, name="automation_switch"),
    path("<slug:slug>/automations/<int:pk>/delete/", views.delete, name="automation_delete"),
]
