from django.urls import path

from . import views

app_name = "shopper"
urlpatterns = [
    path("s/<slug:shop>/my-orders/", views.my_orders, name="my_orders"),
    path("s/<slug:shop>/my-orders/latest.json", views.latest, name="latest"),
]
