"""The response-time policies' settings pages, mounted under /settings/ by
kundsvar/settings_urls.py (namespace "settings")."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/response-times/", views.policies, name="policies"),
    path("<slug:slug>/response-times/new/", views.policy_edit, name="policy_new"),
    path("<slug:slug>/response-times/<int:pk>/", views.policy_edit, name="policy_edit"),
    path("<slug:slug>/response-times/<int:pk>/delete/", views.policy_delete, name="policy_delete"),
]
