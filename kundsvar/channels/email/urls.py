from django.urls import path

from . import views

app_name = "mail"
urlpatterns = [
    path("<slug:shop_slug>/", views.inbound, name="inbound"),
]
