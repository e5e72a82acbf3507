"""The agent's actions on a Messenger, Instagram or WhatsApp case, beside the composer."""

from django.urls import path

from . import views

app_name = "social"
urlpatterns = [
    path("cases/<int:number>/template/", views.template_reply, name="template_reply"),
    path("cases/<int:number>/link/", views.link_customer, name="link_customer"),
    path("cases/<int:number>/retry/", views.retry, name="retry"),
]
