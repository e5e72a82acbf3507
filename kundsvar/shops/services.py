"""Every write the shop owner makes on the settings pages: the shop's profile and its
hours (response-time policies are sla's, saved replies the workspace's)."""

from datetime import date, time

from django.db import transaction

from kundsvar.core import batchcache

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


def update_profile(shop: Shop, **values: object) -> Shop:
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
