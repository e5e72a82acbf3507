"""Every write to the shift schedule. Each change forgets the shop's cached roster, so a
batch of mail in progress forecasts with the new shifts (`core.batchcache`)."""

from django.db import transaction

from kundsvar.core import batchcache

from .models import Shift, ShiftException, StaffingSettings


@transaction.atomic
def add_shift(shop, agent, weekday: int, start, end, *, channels=(), languages=()) -> Shift:
    shift = Shift(
        shop=shop,
        agent=agent,
        weekday=weekday,
        start=start,
        end=end,
        channels=sorted(channels),
        languages=sorted(languages),
    )
    shift.full_clean()
    shift.save()
    batchcache.forget(shop.pk)
    return shift


@transaction.atomic
def delete_shift(shift: Shift) -> None:
    shift.delete()
    batchcache.forget(shift.shop_id)


@transaction.atomic
def set_exception(shop, agent, date, start=None, end=None, note: str = "") -> ShiftException:
    """The agent's hours on `date` (no times: a day off), replacing that day's pattern."""
    ShiftException.objects.filter(shop=shop, agent=agent, date=date).delete()
    exception = ShiftException(shop=shop, agent=agent, date=date, start=start, end=end, note=note)
    exception.full_clean()
    exception.save()
    batchcache.forget(shop.pk)
    return exception


@transaction.atomic
def delete_exception(exception: ShiftException) -> None:
    exception.delete()
    batchcache.forget(exception.shop_id)


def settings_for(shop) -> StaffingSettings:
    """The shop's staffing settings; the defaults until the owner saves some."""
    return StaffingSettings.objects.filter(shop=shop).first() or StaffingSettings(shop=shop)


@transaction.atomic
def save_settings(shop, **values) -> StaffingSettings:
    found = StaffingSettings.objects.select_for_update().filter(shop=shop).first()
    found = found or StaffingSettings(shop=shop)
    for name, value in values.items():
        setattr(found, name, value)
    found.full_clean()
    found.save()
    batchcache.forget(shop.pk)
    return found
