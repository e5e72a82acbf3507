"""The shop admin's commerce settings, under /settings/commerce/."""

from django.urls import path

from . import settings_views as views

app_name = "commerce_settings"
urlpatterns = [
    path("<slug:slug>/", views.index, name="index"),
    path("<slug:slug>/shipping/", views.shipping, name="shipping"),
    path("<slug:slug>/shipping/new/", views.shipping_edit, name="shipping_new"),
    path("<slug:slug>/shipping/<int:pk>/", views.shipping_edit, name="shipping_edit"),
]
