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
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kundsvar.accounts.security import shop_admin_required
from kundsvar.shops.models import Shop

from . import probe, sender
from .forms import MailboxForm, SmtpServerForm
from .models import Mailbox, SmtpServer


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
    outcome = None
    new_secret = ""
    action = request.POST.get("action", "")
    if action in ("smtp_save", "smtp_test"):
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
