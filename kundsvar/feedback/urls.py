from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    # Before the rating links: "report/<slug>/" would otherwise read as a token and score.
    path("report/", views.reports, name="reports"),
    path("report/<slug:slug>/", views.report, name="report"),
    path("<str:token>/<str:score>/", views.rate, name="rate"),
]
