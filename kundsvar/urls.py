from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kundsvar.accounts import reset
from kundsvar.accounts import views as accounts
from kundsvar.api import api
from kundsvar.ops import health
from kundsvar.workspace import search_page
from kundsvar.workspace import views as workspace

urlpatterns = [
    path("", workspace.queue, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/reset/", reset.PasswordResetView.as_view(), name="password_reset"),
    path("login/reset/sent/", reset.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "login/reset/<uidb64>/<token>/",
        reset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "login/reset/done/",
        reset.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("cases/chat/", include("kundsvar.workspace.chat_urls")),
    path("cases/", include("kundsvar.workspace.urls")),
    path("customers/", include("kundsvar.workspace.customers_urls")),
    path("search/", search_page.search, name="search"),
    path("notifications/", include("kundsvar.notifications.urls")),
    path("inbound/email/", include("kundsvar.channels.email.urls")),
    path("feedback/", include("kundsvar.feedback.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("account/", include("kundsvar.accounts.urls")),
    path("settings/", include("kundsvar.settings_urls")),
    # Customer-facing pages per shop: contact page and form, FAQ, order status, widget.
    path("", include("kundsvar.channels.form.urls")),
    path("", include("kundsvar.channels.chat.urls")),
    path("", include("kundsvar.knowledge.urls")),
    path("", include("kundsvar.commerce.urls")),
    path("", include("kundsvar.portal.urls")),
    path("", include("kundsvar.shopper.urls")),
    # Shop platforms' webhooks (Shopify, WooCommerce), verified by signature.
    path("hooks/", include("kundsvar.commerce.connectors.urls")),
    # Messenger, Instagram and WhatsApp (Meta), verified by signature.
    path("hooks/", include("kundsvar.channels.social.hooks_urls")),
    path("social/", include("kundsvar.channels.social.urls")),
    # Phone and SMS: the providers' webhooks (46elks, Twilio) and call logging.
    path("", include("kundsvar.channels.phone.urls")),
    path("commerce/", include("kundsvar.commerce.agent_urls")),
    path("insights/", include("kundsvar.insights.urls")),
    path("audit/", include("kundsvar.audit.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("privacy/", include("kundsvar.ops.urls")),
    path("metrics", health.metrics, name="metrics"),
]
