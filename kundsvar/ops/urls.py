from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("customers/<int:pk>/", views.privacy, name="customer"),
    path("customers/<int:pk>/export/", views.export, name="export"),
    path("customers/<int:pk>/erase/", views.erase, name="erase"),
]
