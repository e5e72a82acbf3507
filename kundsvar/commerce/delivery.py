"""Delivery promises (rules O3, O5): when an order or a parcel is expected, in working
days of the shop's calendar, as a narrow and honest window.

How a window is made:

- **Dispatch.** The warehouse works when the shop's calendar is open (its opening hours,
  its special days, its country's public holidays and the days everybody takes off:
  julafton, nyårsafton, midsommarafton). A shop without opening hours dispatches on
  weekdays that are not holidays.
- **Cut-off.** An order that is ready before the shop closes on a dispatch day leaves
  that day; one ready after closing time (or on a closed day) leaves on the next
  dispatch day. Goods a supplier delivers on a given date are packed the dispatch day
  *after* that date: being honest about the first day matters more than being quick,
  because customers read the first number (O3).
- **Transit.** The carrier delivers on weekdays that are not public holidays of the
  delivery country (no delivery on juldagen). `transit_min_days`/`transit_max_days` of
  the shipping method count such days after the dispatch day.
- **Waiting for goods.** A line waiting for goods is ready on its `expected_at`, or
  `supplier_lead_days` working days after now. A waiting line with neither gives no
  window at all: no estimate is better than a made-up one.
"""

from datetime import date, datetime, time, timedelta

from babel.dates import format_date
from django.utils import timezone

from kundsvar.core.language import babel_locale, promise_language
from kundsvar.sla.calendar import BusinessCalendar, is_holiday

from .models import LineStatus, OrderStatus, ShipmentStatus, ShippingMethod

_MAX_DAYS = 400  # a calendar with no working day in a year and a month is broken
_DONE_LINES = {LineStatus.SHIPPED, LineStatus.DELIVERED, LineStatus.RETURNED, LineStatus.CANCELLED}
_NO_WINDOW = {
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
    OrderStatus.RETURNED,
    OrderStatus.REFUNDED,
}
_ARRIVED = {ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED}


# -- working days -------------------------------------------------------------------


def _safe_holiday(country: str, day: date) -> bool:
    try:
        return is_holiday(country, day)
    except NotImplementedError:  # a country the holidays package does not know
        return False


def is_delivery_day(country: str, day: date) -> bool:
    """Carriers deliver on weekdays that are not public holidays of the country."""
    return day.weekday() < 5 and not _safe_holiday(country, day)


def add_delivery_days(country: str, start: date, days: int) -> date:
    """The `days`-th delivery day after `start` (0: `start` itself if it is one)."""
    day = start
    if days == 0:
        while not is_delivery_day(country, day):
            day += timedelta(days=1)
        return day
    for _ in range(_MAX_DAYS):
        day += timedelta(days=1)
        if is_delivery_day(country, day):
            days -= 1
            if days == 0:
                return day
    raise ValueError("no delivery days in the coming year")


class _Dispatch:
    """The shop's dispatch days: its calendar, or weekdays without holidays when the
    shop has no opening hours at all."""

    def __init__(self, shop):
        self.calendar = BusinessCalendar.for_shop(shop)
        self.country = shop.country

    def closes(self, day: date) -> time | None:
        """When dispatch ends on `day`, or None when nothing leaves that day."""
        if not self.calendar.weekly and not self.calendar.special:
            return time(23, 59) if is_delivery_day(self.country, day) else None
        periods = self.calendar.periods_on(day)
        return max(closes for _opens, closes in periods) if periods else None

    def day_for(self, ready: datetime) -> date:
        """The day goods ready at `ready` leave the warehouse (the cut-off rule)."""
        local = ready.astimezone(self.calendar.tz)
        day = local.date()
        closes = self.closes(day)
        if closes is not None and local.time() < closes:
            return day
        return self.next_after(day)

    def next_after(self, day: date) -> date:
        for _ in range(_MAX_DAYS):
            day += timedelta(days=1)
            if self.closes(day) is not None:
                return day
        raise ValueError("no dispatch days in the coming year")

    def add(self, start: date, days: int) -> date:
        for _ in range(days):
            start = self.next_after(start)
        return start


# -- windows ------------------------------------------------------------------------


def method_for(order) -> ShippingMethod | None:
    """The order's shipping method: the linked row, else the one whose code the
    platform sent."""
    if order.shipping_id:
        return order.shipping
    if not order.shipping_method:
        return None
    return ShippingMethod.objects.filter(shop_id=order.shop_id, code=order.shipping_method).first()


def _country(order) -> str:
    country = (order.country or order.shop.country or "SE").upper()
    try:
        is_holiday(country, date(2000, 1, 1))
    except NotImplementedError:
        return order.shop.country
    return country


def _transit(order, method, dispatched: date) -> tuple[date, date]:
    country = _country(order)
    return (
        add_delivery_days(country, dispatched, method.transit_min_days),
        add_delivery_days(country, dispatched, method.transit_max_days),
    )


def shipment_window(shipment):
    """(first_date, last_date) the parcel is expected to arrive, or (None, None)."""
    order = shipment.order
    method = method_for(order)
    if method is None or shipment.shipped_at is None:
        return None, None
    dispatched = shipment.shipped_at.astimezone(order.shop.tz).date()
    return _transit(order, method, dispatched)


def _ready_day(dispatch: _Dispatch, lines, now: datetime) -> date | None:
    """The dispatch day for the lines still to ship, or None when a waiting line has
    no date at all."""
    day = dispatch.day_for(now)
    for line in lines:
        if line.status != LineStatus.WAITING:
            continue
        if line.expected_at is not None:
            restocked = line.expected_at
        elif line.supplier_lead_days is not None:
            restocked = dispatch.add(
                now.astimezone(dispatch.calendar.tz).date(), line.supplier_lead_days
            )
        else:
            return None
        day = max(day, dispatch.next_after(restocked))
    return day


def order_window(order, now=None):
    """(first_date, last_date) the order is expected to arrive, or (None, None).

    Lines still to ship decide it; when everything has left, the parcels still on their
    way do (earliest first day, latest last day)."""
    if order.status in _NO_WINDOW:
        return None, None
    now = max(now or timezone.now(), order.placed_at)
    lines = [line for line in order.lines.all() if line.status not in _DONE_LINES]
    if not lines or order.status == OrderStatus.SHIPPED:
        return _parcels_window(order)
    method = method_for(order)
    if method is None:
        return None, None
    dispatch = _Dispatch(order.shop)
    ready = _ready_day(dispatch, lines, now)
    if ready is None:
        return None, None
    return _transit(order, method, ready)


def _parcels_window(order):
    windows = [
        shipment_window(s)
        for s in order.shipments.all()
        if s.delivered_at is None and s.status not in _ARRIVED
    ]
    windows = [w for w in windows if w[0] is not None]
    if not windows:
        return None, None
    return min(w[0] for w in windows), max(w[1] for w in windows)


def delay_state(first: date | None, last: date | None, today: date, *, told: bool) -> str:
    """O1: "late" once the window is over without delivery, "moved" when the customer was
    told of a delay and a later window has come since, "" while on time. Pages and
    messages then say what the delay email said instead of a window that is over."""
    if not (first or last):
        return ""
    if (last or first) < today:
        return "late"
    return "moved" if told else ""


def shipment_delay(shipment, today: date) -> str:
    """`delay_state` of a parcel: nothing once it has arrived."""
    if shipment.delivered_at or shipment.status in _ARRIVED:
        return ""
    return delay_state(
        shipment.expected_from,
        shipment.expected_to,
        today,
        told=shipment.delay_notified_at is not None,
    )


def is_wide(first, last, settings) -> bool:
    """O3: a range wider than the shop's threshold ("2–14 dagar") is flagged; a narrow
    one ("12–14 dagar") is fine. Takes two dates or two day counts."""
    if first is None or last is None:
        return False
    width = last - first
    days = width.days if isinstance(width, timedelta) else width
    return days > settings.wide_range_days


# -- Christmas (O5) -----------------------------------------------------------------


def in_christmas_season(today: date) -> bool:
    return date(today.year, 11, 1) <= today <= date(today.year, 12, 24)


def christmas_deadlines(shop, today) -> list:
    """From 1 November until julafton: [(ShippingMethod, last_order_date, passed: bool)]
    for each active method with this year's last order date, earliest first."""
    if not in_christmas_season(today):
        return []
    methods = shop.shipping_methods.filter(active=True, christmas_last_order__year=today.year)
    return [
        (m, m.christmas_last_order, m.christmas_last_order < today)
        for m in methods.order_by("christmas_last_order", "name")
    ]


# -- in words -----------------------------------------------------------------------

_DAY = {"sv": "d", "nb": "d.", "da": "d.", "en": "d"}
_LONG = {"sv": "EEEE d MMMM", "nb": "EEEE d. MMMM", "da": "EEEE 'den' d. MMMM", "en": "EEEE d MMMM"}


def format_day(day: date, language: str | None, weekday: bool = True) -> str:
    language = promise_language(language)
    locale = babel_locale(language)
    pattern = _LONG[language] if weekday else f"{_DAY[language]} MMMM"
    return format_date(day, pattern, locale=locale)


def format_window(first: date, last: date, language: str | None, weekday: bool = True) -> str:
    """ "tisdag 1 december – torsdag 3 december", or without weekdays "1–3 december"
    ("30 november – 2 december" across months)."""
    language = promise_language(language)
    if first == last:
        return format_day(first, language, weekday)
    if not weekday and (first.year, first.month) == (last.year, last.month):
        locale = babel_locale(language)
        return f"{format_date(first, _DAY[language], locale=locale)}–" + format_day(
            last, language, weekday=False
        )
    return f"{format_day(first, language, weekday)} – {format_day(last, language, weekday)}"
