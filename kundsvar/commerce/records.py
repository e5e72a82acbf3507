"""What connectors and the importer hand to `commerce.services`: plain dataclasses, no ORM.

Money is always in minor units (öre); `to_minor` turns the platforms' decimal strings
("199.00", "199,00", Decimal("199.00")) into them without ever going through float.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.dateparse import parse_date, parse_datetime

# ISO 4217 currencies without a minor unit that a Nordic shop might meet.
ZERO_DECIMAL_CURRENCIES = {"ISK", "JPY", "KRW", "CLP", "VND"}


class RecordError(ValueError):
    """A value from a platform or a file that cannot be understood; safe to show."""


@dataclass
class LineData:
    name: str
    external_id: str = ""
    sku: str = ""
    quantity: int = 1
    unit_price_minor: int = 0
    total_minor: int = 0
    tax_minor: int = 0
    vat_rate: Decimal | None = None
    # A LineStatus value, or None: keep what we have (new lines start in stock).
    status: str | None = None
    expected_at: date | None = None
    supplier_lead_days: int | None = None


@dataclass
class OrderData:
    external_id: str
    number: str
    placed_at: datetime
    email: str = ""
    name: str = ""
    phone: str = ""
    postcode: str = ""
    country: str = ""
    language: str = ""
    # An OrderStatus value as the platform sees it; None: PLACED for a new order.
    status: str | None = None
    financial_status: str = ""
    currency: str = "SEK"
    subtotal_minor: int = 0
    shipping_minor: int = 0
    discount_minor: int = 0
    tax_minor: int = 0
    total_minor: int = 0
    payment_method: str = ""
    shipping_method: str = ""
    shipping_code: str = ""
    # The platform's own updated_at: an older payload never overwrites a newer one.
    updated_at: datetime | None = None
    lines: list[LineData] = field(default_factory=list)


@dataclass
class ItemRef:
    """Points at an order line by the platform's line id, else by SKU."""

    line_external_id: str = ""
    sku: str = ""
    quantity: int = 1


@dataclass
class ShipmentData:
    external_id: str = ""
    tracking_number: str = ""
    carrier: str = ""  # a Carrier code; empty: detected from the tracking number
    carrier_name: str = ""
    tracking_url: str = ""
    status: str | None = None  # a ShipmentStatus value
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    updated_at: datetime | None = None
    lines: list[ItemRef] = field(default_factory=list)


@dataclass
class ReturnData:
    created_at: datetime
    external_id: str = ""
    reason: str = ""
    received_at: datetime | None = None
    lines: list[ItemRef] = field(default_factory=list)


@dataclass
class RefundLineData:
    description: str
    amount_minor: int
    line_external_id: str = ""
    sku: str = ""
    quantity: int = 1
    tax_minor: int = 0


@dataclass
class DeductionData:
    reason: str  # a DeductionReason value
    amount_minor: int
    label: str = ""
    policy_text: str = ""  # empty: the shop's return policy (CommerceSettings.return_policy)


@dataclass
class RefundData:
    created_at: datetime
    external_id: str = ""
    currency: str = ""  # empty: the order's currency
    # What the refunded items cost; None: the sum of the lines.
    paid_minor: int | None = None
    method: str = ""
    note: str = ""
    # When the money was sent; None: not (yet) paid, so nobody is told.
    paid_at: datetime | None = None
    lines: list[RefundLineData] = field(default_factory=list)
    deductions: list[DeductionData] = field(default_factory=list)


def minor_exponent(currency: str) -> int:
    return 0 if (currency or "").upper() in ZERO_DECIMAL_CURRENCIES else 2


def to_decimal(value) -> Decimal:
    """A money amount as Decimal. Accepts "199.00", "1 199,00", 199, Decimal; never float."""
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, float):
        raise RecordError(f"money must not be a float: {value!r}")
    if isinstance(value, int | Decimal):
        return Decimal(value)
    text = re.sub(r"[\s\u00a0]", "", str(value))
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # Swedish decimal comma
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise RecordError(f"not an amount: {value!r}") from None
    if not amount.is_finite():
        raise RecordError(f"not an amount: {value!r}")
    return amount


def to_minor(value, currency: str = "SEK") -> int:
    """'199.00' SEK → 19900; rounded half up to the currency's minor unit."""
    exponent = minor_exponent(currency)
    amount = to_decimal(value) * (Decimal(10) ** exponent)
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_datetime(value, *, naive_tz=UTC) -> datetime | None:
    """ISO 8601 text (with or without offset, or a bare date) → aware datetime; '' → None.
    A time without offset is taken to be in `naive_tz` (platforms' *_gmt fields are UTC)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            if day is None:
                raise RecordError(f"not a date or time: {value!r}")
            moment = datetime(day.year, day.month, day.day, tzinfo=naive_tz)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=naive_tz)
    return moment


def to_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    day = parse_date(str(value).strip()[:10])
    if day is None:
        raise RecordError(f"not a date: {value!r}")
    return day


def digits(value) -> str:
    return re.sub(r"\D", "", str(value or ""))
