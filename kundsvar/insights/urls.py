"""The owner's reports and staffing pages, under /insights/."""

from django.urls import path

from . import staffing_views

app_name = "insights"

urlpatterns: list = [
    path("staffing/<slug:slug>/", staffing_views.staffing_page, name="staffing"),
]
