"""Every write about logged-in shoppers: the shop's identity secret, the marks on their
messages and the order-status views counted for self-service (K3)."""

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from kundsvar.core import links

from . import identity
from .models import IdentitySettings, OrderStatusView, VerifiedMessage

# A contact after an order-status view counts against it within this time (K3).
CONTACT_WINDOW = timedelta(hours=24)
TOKEN_PURPOSE = "contact"  # noqa: S105 — a signing salt, not a password; the form's and the chat's prefill token, with "v" for verified


def _new_secret() -> str:
    return secrets.token_hex(32)


def settings_for(shop) -> IdentitySettings:
    found = IdentitySettings.objects.filter(shop=shop).first()
    if found is not None:
        return found
    settings, _ = IdentitySettings.objects.get_or_create(
        shop=shop, defaults={"secret": _new_secret(), "rotated_at": timezone.now()}
    )
    return settings


def save_settings(shop, *, enabled: bool, latest_order_line: bool) -> IdentitySettings:
    settings = settings_for(shop)
    settings.enabled, settings.latest_order_line = enabled, latest_order_line
    settings.save(update_fields=["enabled", "latest_order_line"])
    return settings


def rotate_secret(shop, now: datetime | None = None) -> IdentitySettings:
    """A new secret: every signature made with the old one stops working at once."""
    settings = settings_for(shop)
    settings.secret, settings.rotated_at = _new_secret(), now or timezone.now()
    settings.save(update_fields=["secret", "rotated_at"])
    return settings


def shopper_from_request(shop, params, now: datetime | None = None) -> identity.Shopper | None:
    """The logged-in shopper the widget passed along (query parameters), if the shop's
    signature holds; None for everyone else."""
    settings = settings_for(shop)
    if not settings.enabled:
        return None
    return identity.verify(settings.secret, params, now or timezone.now())


def token_for(shop, shopper: identity.Shopper, order=None) -> str:
    """The prefill token the form and the chat already read (name, email, order), marked
    verified until the shop's signature expires."""
    data = {"shop": shop.pk, "name": shopper.name, "email": shopper.email}
    data["v"] = {"id": shopper.external_id, "exp": shopper.expires}
    if order is not None:
        data["order"] = order.pk
    return links.sign(TOKEN_PURPOSE, data)


def verified_in(data: dict | None, email: str, now: datetime | None = None):
    """The shopper a prefill token vouches for, when it is marked verified, not expired and
    the message is sent from that same email; else None."""
    if not data or not isinstance(data.get("v"), dict):
        return None
    mark = data["v"]
    expires = mark.get("exp")
    vouched = str(data.get("email", "")).lower()
    now = now or timezone.now()
    if not isinstance(expires, int) or expires < now.timestamp():
        return None
    if not vouched or vouched != email.strip().lower():
        return None
    return identity.Shopper(vouched, str(data.get("name", "")), str(mark.get("id", "")), expires)


def verified_from_token(shop, token: str, email: str, now: datetime | None = None):
    """The shopper a prefill token `t` (from `token_for`) vouches for on this shop's form or
    chat, when the message is sent from the vouched address; else None. The shop's
    signature inside it expires within a week (`identity.MAX_LIFETIME`), so an old link never
    verifies, however long it may prefill the form."""
    data = links.unsign(TOKEN_PURPOSE, token, max_age_days=8) if token else None
    if not data or data.get("shop") != shop.pk:
        return None
    return verified_in(data, email, now)


@transaction.atomic
def mark_verified(message, shopper: identity.Shopper, now: datetime | None = None) -> None:
    """The message came from a shopper the shop's login vouched for; their latest
    order-status view, if recent, now counts as followed by a contact."""
    VerifiedMessage.objects.get_or_create(
        message=message, defaults={"external_id": shopper.external_id}
    )
    record_contact(message.case.shop, shopper.email, now or message.created_at)


def record_order_view(shop, email: str, now: datetime | None = None) -> OrderStatusView:
    return OrderStatusView.objects.create(
        shop=shop, email=email.lower(), viewed_at=now or timezone.now()
    )


def record_contact(shop, email: str, now: datetime) -> int:
    """Mark the views of the last CONTACT_WINDOW by this shopper as followed by a contact."""
    return OrderStatusView.objects.filter(
        shop=shop,
        email=email.lower(),
        viewed_at__gte=now - CONTACT_WINDOW,
        viewed_at__lte=now,
        contacted_at__isnull=True,
    ).update(contacted_at=now)
