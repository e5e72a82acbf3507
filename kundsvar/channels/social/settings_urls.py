"""A shop's Messenger, Instagram and WhatsApp connections, mounted under /settings/ by
kundsvar/settings_urls.py (namespace "settings")."""

from django.urls import path

from . import views
from .models import Platform

urlpatterns = [
    path("<slug:slug>/social/", views.overview, name="social"),
    *[
        path(
            f"<slug:slug>/social/{platform}/",
            views.connection,
            {"platform": platform},
            name=f"social_{platform}",
        )
        for platform in Platform.values
    ],
    path("<slug:slug>/social/whatsapp/templates/", views.template_add, name="social_template_add"),
    path(
        "<slug:slug>/social/whatsapp/templates/<int:pk>/delete/",
        views.template_delete,
        name="social_template_delete",
    ),
]
