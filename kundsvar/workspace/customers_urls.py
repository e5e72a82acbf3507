from django.urls import path

from . import customers

app_name = "customers"
urlpatterns = [
    path("", customers.customer_list, name="list"),
    path("<int:pk>/", customers.profile, name="profile"),
    path("<int:pk>/edit/", customers.edit, name="edit"),
    path("<int:pk>/merge/", customers.merge, name="merge"),
]
