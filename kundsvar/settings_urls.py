"""Every settings page, under /settings/. Each domain owns its pages and lists them in its
own settings_urls.py; this URLconf mounts them together under the one namespace
"settings" (commerce keeps its own, "commerce_settings")."""

from django.urls import include, path

pages = [
    path("", include("kundsvar.shops.settings_urls")),
    path("", include("kundsvar.sla.settings_urls")),
    path("", include("kundsvar.topics.settings_urls")),
    path("", include("kundsvar.staffing.settings_urls")),
    path("", include("kundsvar.accounts.settings_urls")),
    path("", include("kundsvar.channels.email.settings_urls")),
    path("", include("kundsvar.channels.hooks.settings_urls")),
    path("", include("kundsvar.channels.social.settings_urls")),
    path("", include("kundsvar.channels.phone.settings_urls")),
    path("", include("kundsvar.channels.chat.settings_urls")),
    path("", include("kundsvar.shopper.settings_urls")),
    path("", include("kundsvar.workspace.settings_urls")),
    path("", include("kundsvar.automations.settings_urls")),
    path("", include("kundsvar.routing.settings_urls")),
    path("", include("kundsvar.webhooks.settings_urls")),
    path("", include("kundsvar.ops.settings_urls")),
]

urlpatterns = [
    # Before "<shop>/", or a shop with the slug "commerce" would hide these pages.
    path("commerce/", include("kundsvar.commerce.settings_urls")),
    path("", include((pages, "settings"))),
]
