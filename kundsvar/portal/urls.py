from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("p/<str:token>/", views.case_page, name="case"),
    path("s/<slug:shop>/help/", views.widget, name="widget"),
]
