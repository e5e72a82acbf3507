"""The saved replies' settings pages, mounted under /settings/ by kundsvar/settings_urls.py
(namespace "settings")."""

from django.urls import path

from . import settings_views as views
from . import signatures

urlpatterns = [
    path("<slug:slug>/signatures/", signatures.shop_signature, name="signatures"),
    path("<slug:slug>/saved-replies/", views.saved_replies, name="saved_replies"),
    path("<slug:slug>/saved-replies/new/", views.saved_reply_edit, name="saved_reply_new"),
    path("<slug:slug>/saved-replies/<int:pk>/", views.saved_reply_edit, name="saved_reply_edit"),
    path(
        "<slug:slug>/saved-replies/<int:pk>/delete/",
        views.saved_reply_delete,
        name="saved_reply_delete",
    ),
]
