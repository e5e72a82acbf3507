"""Every write the shop owner makes on the settings pages: the shop's profile, its hours,
its response-time policies and its saved replies."""

from datetime import date, time

from django.db import transaction

from kundsvar.cases.models import SavedReply
from kundsvar.core import batchcache
from kundsvar.sla.models import ResponsePolicy

from .models import OpeningHours, Shop, SpecialDay

PROFILE_FIELDS = [
    "name",
    "email",
    "phone",
    "phone_is_free",
    "country",
    "time_zone",
    "language",
    "languages",
    "website",
    "plus_addressing",
]


def update_profile(shop: Shop, **values) -> Shop:
    """Validated by the model too (a noreply@ sender never gets in, rule A3)."""
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    for field, value in values.items():
        setattr(shop, field, value)
    shop.full_clean()
    shop.save(update_fields=list(values))
    batchcache.forget(shop.pk)  # time zone and country shape the calendar
    return shop


@transaction.atomic
def set_opening_hours(shop: Shop, periods: list[tuple[int, time, time]]) -> None:
    """Replace the week: `periods` is every (weekday, opens, closes) the shop is open."""
    shop.opening_hours.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(shop=shop, weekday=weekday, opens=opens, closes=closes)
        for weekday, opens, closes in sorted(periods)
    )
    batchcache.forget(shop.pk)


def set_special_day(
    shop: Shop,
    day: date,
    *,
    closed: bool,
    opens: time | None = None,
    closes: time | None = None,
    note: str = "",
) -> SpecialDay:
    """One date that differs from the week; a date given again replaces the earlier one."""
    if closed:
        opens = closes = None
    row, _created = SpecialDay.objects.update_or_create(
        shop=shop,
        date=day,
        defaults={"closed": closed, "opens": opens, "closes": closes, "note": note},
    )
    batchcache.forget(shop.pk)
    return row


def remove_special_day(day: SpecialDay) -> None:
    day.delete()
    batchcache.forget(day.shop_id)


def save_policy(shop: Shop, policy: ResponsePolicy | None = None, **values) -> ResponsePolicy:
    """Create or change a response-time policy. full_clean() applies rule S1: over
    48 hours only with the override and a reason."""
    policy = policy or ResponsePolicy(shop=shop)
    for field, value in values.items():
        setattr(policy, field, value)
    if not policy.override_over_48h:
        policy.override_reason = ""
    policy.full_clean()
    policy.save()
    batchcache.forget(shop.pk)
    return policy


def delete_policy(policy: ResponsePolicy) -> None:
    """The channel falls back to the shop's default policy, then to the S1 defaults."""
    policy.delete()
    batchcache.forget(policy.shop_id)


def save_saved_reply(
    shop: Shop,
    reply: SavedReply | None = None,
    *,
    title: str,
    body: str,
    language: str,
    author=None,
) -> SavedReply:
    if reply is None:
        reply = SavedReply(shop=shop, created_by=author)
    reply.title, reply.body, reply.language = title, body, language
    reply.full_clean()
    reply.save()
    return reply


def delete_saved_reply(reply: SavedReply) -> None:
    reply.delete()
