"""The owner's reports and staffing pages, under /insights/."""

from django.urls import path

from . import staffing_views, views

app_name = "insights"

urlpatterns = [
    path("staffing/<slug:slug>/", staffing_views.staffing_page, name="staffing"),
    path("", views.index, name="index"),
    path("reports/<slug:slug>/", views.dashboard, name="dashboard"),
    path("reports/<slug:slug>/weekly-mail/", views.weekly_mail, name="weekly_mail"),
    path(
        "reports/<slug:slug>/answer-times/", views.report, {"name": "responses"}, name="responses"
    ),
    path("reports/<slug:slug>/promise/", views.report, {"name": "promise"}, name="promise"),
    path("reports/<slug:slug>/volume/", views.report, {"name": "volume"}, name="volume"),
    path("reports/<slug:slug>/backlog/", views.report, {"name": "backlog"}, name="backlog"),
    path("reports/<slug:slug>/questions/", views.questions, name="questions"),
    path("reports/<slug:slug>/agents/", views.report, {"name": "agents"}, name="agents"),
]
