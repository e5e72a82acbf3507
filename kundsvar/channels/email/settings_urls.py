"""A shop's outgoing-mail settings, mounted under /settings/ by kundsvar/settings_urls.py
(namespace "settings")."""

from django.urls import path

from . import connect, views

urlpatterns = [
    # The one redirect URI registered with Microsoft/Google, for every shop.
    path("email-oauth/callback/", connect.oauth_callback, name="email_oauth_callback"),
    path("<slug:slug>/email/oauth/connect/", connect.oauth_connect, name="email_oauth_connect"),
    path("<slug:slug>/outgoing-mail/", views.outgoing, name="outgoing_mail"),
    path("<slug:slug>/email/", connect.email_settings, name="email"),
    path("<slug:slug>/email/mailbox/new/", connect.mailbox_edit, name="mailbox_new"),
    path("<slug:slug>/email/mailbox/<int:pk>/", connect.mailbox_edit, name="mailbox_edit"),
]
