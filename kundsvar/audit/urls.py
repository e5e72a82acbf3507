from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.index, name="index"),
    path("probes/mail/<int:pk>/", views.mail_probe, name="mail_probe"),
    path("probes/site/<int:pk>/", views.site_probe, name="site_probe"),
    path("<slug:slug>/", views.shop_audit, name="shop"),
    path("<slug:slug>/run/", views.run_now, name="run_now"),
    path("<slug:slug>/runs/<int:pk>/", views.run_detail, name="run"),
]
