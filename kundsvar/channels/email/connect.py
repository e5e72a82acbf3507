"""Settings → Email: connect a shop's mail without a shell.

* Incoming: IMAP mailboxes (server, port, TLS, user, password, folder, move-to), or
  forwarding to our SMTP receiver or the HTTP endpoint (the address to copy and a secret
  shown once);
* Outgoing: the shop's own SMTP server (STARTTLS/TLS, user, password);
* "Test connection" on each, which reports the exact failure (probe.py), and the sender
  address check with SPF/DKIM advice (sender.py).

Passwords are encrypted at rest (core.crypto) and never shown again: the forms leave the
field empty, and an empty field keeps what is stored."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kundsvar.accounts.security import admin_shops, shop_admin_required
from kundsvar.shops.models import Shop

from . import oauth, probe, sender
from .forms import MailboxForm, OAuthForm, SmtpServerForm
from .models import Mailbox, OAuthConnection, OAuthStatus, SignIn, SmtpServer

# What changes the app registration or the endpoints: the tokens it gave are no use after.
_OAUTH_IDENTITY = ("provider", "tenant", "client_id", "authorize_url", "token_url", "scope")


# -- writes ----------------------------------------------------------------------------
def save_mailbox(form: MailboxForm, shop: Shop) -> Mailbox:
    with transaction.atomic():
        mailbox = form.save(commit=False)
        mailbox.shop = shop
        mailbox.last_error = ""
        mailbox.save()
    return mailbox


def save_smtp(form: SmtpServerForm, shop: Shop) -> SmtpServer:
    with transaction.atomic():
        server = form.save(commit=False)
        server.shop = shop
        server.save()
    return server


def record_smtp_test(server: SmtpServer, outcome: probe.Outcome) -> None:
    if server.pk:
        SmtpServer.objects.filter(pk=server.pk).update(
            last_tested_at=timezone.now(), last_error="" if outcome.ok else str(outcome)
        )


def save_oauth(form: OAuthForm, shop: Shop) -> OAuthConnection:
    """Save the app registration; another app or provider means connecting again."""
    with transaction.atomic():
        conn = form.save(commit=False)
        conn.shop = shop
        if not conn.pk or any(name in form.changed_data for name in _OAUTH_IDENTITY):
            conn.status = OAuthStatus.NEW
            conn.access_token = conn.refresh_token = ""
            conn.expires_at = None
            conn.last_error = ""
        conn.save()
    return conn


def new_inbound_secret(shop: Shop) -> str:
    """A new secret for the HTTP mail endpoint; the old one stops working at once."""
    secret = secrets.token_urlsafe(32)
    Shop.objects.filter(pk=shop.pk).update(inbound_secret=secret)
    shop.inbound_secret = secret
    return secret


# -- pages -----------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@shop_admin_required
def email_settings(request, shop):
    server = SmtpServer.objects.filter(shop=shop).first() or SmtpServer(shop=shop)
    form = SmtpServerForm(instance=server, prefix="smtp")
    conn = OAuthConnection.objects.filter(shop=shop).first() or OAuthConnection(shop=shop)
    oauth_form = OAuthForm(instance=conn, prefix="oauth")
    outcome = None
    new_secret = ""
    action = request.POST.get("action", "")
    if action == "oauth_save":
        oauth_form = OAuthForm(request.POST, instance=conn, prefix="oauth")
        if oauth_form.is_valid():
            save_oauth(oauth_form, shop)
            messages.success(request, _("Sign-in settings saved. Now connect the account."))
            return redirect(reverse("settings:email", args=[shop.slug]) + "#oauth")
    elif action == "oauth_delete" and conn.pk:
        conn.delete()
        messages.success(request, _("The OAuth2 sign-in was removed."))
        return redirect("settings:email", shop.slug)
    elif action in ("smtp_save", "smtp_test"):
        form = SmtpServerForm(request.POST, instance=server, prefix="smtp")
        if form.is_valid():
            if action == "smtp_save":
                save_smtp(form, shop)
                messages.success(request, _("Outgoing mail server saved."))
                return redirect("settings:email", shop.slug)
            candidate = form.save(commit=False)
            outcome = probe.test_smtp(
                candidate.host,
                candidate.port,
                candidate.security,
                candidate.username,
                candidate.password,
                oauth_shop=shop.pk if candidate.sign_in == SignIn.OAUTH2 else None,
            )
            record_smtp_test(server, outcome)
    elif action == "smtp_delete" and server.pk:
        server.delete()
        messages.success(request, _("The shop's mail is sent through the installation's server."))
        return redirect("settings:email", shop.slug)
    elif action == "inbound_secret":
        new_secret = new_inbound_secret(shop)
    return render(
        request,
        "mail/connect.html",
        {
            "shop": shop,
            "section": "email",
            "form": form,
            "server": server,
            "outcome": outcome,
            "mailboxes": Mailbox.objects.filter(shop=shop).order_by("name"),
            "advice": sender.check(shop.email, server if server.pk else None),
            "http_url": settings.SITE_URL + reverse("mail:inbound", args=[shop.slug]),
            "smtp_host": settings.SMTPD_HOSTNAME or _("the host running `kundsvar smtpd`"),
            "has_inbound_secret": bool(shop.inbound_secret),
            "new_secret": new_secret,
            "oauth_form": oauth_form,
            "oauth": conn,
            "redirect_uri": oauth.redirect_uri(),
        },
    )


@require_http_methods(["GET", "POST"])
@shop_admin_required
def mailbox_edit(request, shop, pk=None):
    mailbox = get_object_or_404(Mailbox, shop=shop, pk=pk) if pk else Mailbox(shop=shop)
    action = request.POST.get("action", "")
    if action == "delete" and mailbox.pk:
        mailbox.delete()
        messages.success(request, _("Mailbox removed. Mail already taken in stays."))
        return redirect("settings:email", shop.slug)
    form = MailboxForm(request.POST or None, instance=mailbox)
    outcome = None
    if request.method == "POST" and form.is_valid():
        if action == "test":
            outcome = probe.test_imap(form.save(commit=False))
        else:
            save_mailbox(form, shop)
            messages.success(request, _("Mailbox saved. The worker polls it every minute."))
            return redirect("settings:email", shop.slug)
    return render(
        request,
        "mail/mailbox_form.html",
        {"shop": shop, "section": "email", "form": form, "mailbox": mailbox, "outcome": outcome},
    )


@require_POST
@shop_admin_required
def oauth_connect(request, shop):
    """ "Connect with Microsoft/Google": off to the provider's sign-in page."""
    conn = OAuthConnection.objects.filter(shop=shop).first()
    if conn is None:
        messages.error(request, _("Save the sign-in settings first."))
        return redirect(reverse("settings:email", args=[shop.slug]) + "#oauth")
    return redirect(oauth.authorize_url(request, conn))


@require_GET
@login_required
def oauth_callback(request):
    """Where the provider sends the admin back, for every shop (one redirect URI)."""
    try:
        shop_id, verifier = oauth.callback_state(request)
    except oauth.OAuthError as error:
        messages.error(request, _("The connection failed: %(error)s") % {"error": error})
        return redirect("settings:index")
    shop = admin_shops(request.user).filter(pk=shop_id).first()
    conn = OAuthConnection.objects.filter(shop_id=shop_id).first()
    if shop is None or conn is None:
        raise PermissionDenied
    back = redirect(reverse("settings:email", args=[shop.slug]) + "#oauth")
    if request.GET.get("error"):
        denied = request.GET["error"] == "access_denied"
        text = (
            _("Access was not granted on the sign-in page, so nothing was connected.")
            if denied
            else _("The sign-in page reported an error.")
        )
        detail = oauth.OAuthError(request.GET["error"], request.GET.get("error_description", ""))
        messages.error(request, f"{text} ({str(detail)[:500]})")
        return back
    try:
        oauth.exchange(conn, request.GET.get("code", ""), verifier)
    except oauth.OAuthError as error:
        conn.last_error = str(error)[:2000]
        conn.save(update_fields=["last_error"])
        messages.error(
            request,
            _("The token endpoint refused the sign-in: %(error)s") % {"error": str(error)[:500]},
        )
        return back
    messages.success(
        request, _("Connected as %(account)s.") % {"account": conn.account or conn.client_id}
    )
    return back
