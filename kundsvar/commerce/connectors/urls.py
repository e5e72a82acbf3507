from django.urls import path

from . import views

app_name = "shop_hooks"
urlpatterns = [
    path("shopify/<slug:shop>/", views.shopify_hook, name="shopify"),
    path("woocommerce/<slug:shop>/", views.woocommerce_hook, name="woocommerce"),
]
