from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("language/", views.language, name="language"),
    path("password/", views.password, name="password"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/confirm/", views.two_factor_confirm, name="two_factor_confirm"),
    path("two-factor/off/", views.two_factor_off, name="two_factor_off"),
    path("verify/", views.verify, name="verify"),
    path("tokens/", views.tokens, name="tokens"),
]
