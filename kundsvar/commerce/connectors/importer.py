"""Import orders from a CSV or JSON file (`kundsvar import-orders FILE --shop SLUG`).

Orders are saved through `commerce.services` with platform "import"; importing the same
file again updates the same orders (the key is `order_id`, else `order_number`). A bad
row is reported with its line number and skipped; the good rows are kept. By default
nobody is told anything (an import is usually history); `notify=True` (`--notify`) sends
the proactive messages as if the orders had arrived from a shop platform.

CSV: one row per order line, UTF-8 (Excel's BOM is fine; cp1252 is tried if UTF-8 fails),
separated by comma or semicolon, first row = column names. Order columns are read from
the order's first good row that has placed_at; its other rows may leave them empty.

  order_number    required, as the customer sees it (a leading "#" is dropped)
  order_id        the shop's unique id for the order; default: order_number
  placed_at       required: 2026-11-20, 2026-11-20 14:05 or ISO 8601 with offset
                  (without an offset: the shop's time zone)
  updated_at      optional, same format; an older file never overwrites a newer import
  email, name, phone, postcode, country (SE), language (sv)
  status          placed, confirmed (default), waiting, partly_shipped, shipped,
                  delivered, cancelled, returned, refunded
  currency        SEK (default)
  order_total     default: the lines plus shipping
  shipping, discount, tax   order amounts; tax default: the lines' VAT
  payment_method, shipping_method   shipping_method is matched to the shop's methods
  line_id         the shop's id for the line; default: sku, else the product name
  sku
  product         required, the product name
  quantity        default 1
  unit_price      required, including VAT
  line_total      default: unit_price × quantity (including VAT, after discounts)
  vat_rate        percent, default 25
  line_status     in_stock (default), waiting, cancelled
  expected_at     for a waiting line: when the goods are expected (2026-12-03)
  tracking_number optional: the parcel this line went in (rows sharing one number
                  make one parcel); carrier (a code or name, else detected),
                  shipped_at, delivered_at

Amounts are in the currency's main unit with "." or "," as decimal mark ("199.00",
"199,00", "1 199"). JSON: a list of orders, each an object with the order columns above
and "lines": a list of objects with the line (and parcel) columns.
"""

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction

from kundsvar.commerce import services
from kundsvar.commerce.models import LineStatus, OrderStatus, Platform
from kundsvar.commerce.records import (
    ItemRef,
    LineData,
    OrderData,
    RecordError,
    ShipmentData,
    to_date,
    to_datetime,
    to_decimal,
    to_minor,
)

DEFAULT_VAT = Decimal(25)
LINE_STATUSES = sorted(
    s.value for s in (LineStatus.IN_STOCK, LineStatus.WAITING, LineStatus.CANCELLED)
)


@dataclass
class RowError:
    where: str  # "line 7" (CSV) or "order 3, line 2" (JSON)
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class ImportResult:
    orders: int = 0
    lines: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    where: str
    order_key: str
    order: dict
    line: LineData
    parcel: dict


def import_file(shop, path: Path, *, notify: bool = False) -> ImportResult:
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if Path(path).suffix.lower() == ".json" or text.lstrip().startswith("["):
        return import_json(shop, text, notify=notify)
    return import_csv(shop, text, notify=notify)


def import_csv(shop, text: str, *, notify: bool = False) -> ImportResult:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    rows, errors = [], []
    for record in reader:
        where = f"line {reader.line_num}"
        if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
            continue  # a blank line
        _parse(shop, where, _clean_keys(record), rows, errors)
    return _save(shop, rows, errors, notify=notify)


def import_json(shop, text: str, *, notify: bool = False) -> ImportResult:
    try:
        orders = json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        return ImportResult(errors=[RowError("file", f"not JSON: {exc}")])
    if not isinstance(orders, list):
        return ImportResult(errors=[RowError("file", "expected a list of orders")])
    rows, errors = [], []
    for index, order in enumerate(orders, start=1):
        if not isinstance(order, dict) or not isinstance(order.get("lines"), list):
            errors.append(RowError(f"order {index}", "an object with a list of lines"))
            continue
        head = {k: v for k, v in order.items() if k != "lines"}
        if not order["lines"]:
            errors.append(RowError(f"order {index}", "no lines"))
        for number, line in enumerate(order["lines"], start=1):
            where = f"order {index}, line {number}"
            if not isinstance(line, dict):
                errors.append(RowError(where, "a line must be an object"))
                continue
            _parse(shop, where, _clean_keys({**head, **line}), rows, errors)
    return _save(shop, rows, errors, notify=notify)


def _clean_keys(record: dict) -> dict:
    return {
        str(k).strip().lower(): ("" if v is None else v) for k, v in record.items() if k is not None
    }


def _text(record: dict, key: str) -> str:
    value = record.get(key, "")
    return str(value).strip() if value is not None else ""


def _parse(shop, where: str, record: dict, rows: list, errors: list) -> None:
    try:
        rows.append(_row(shop, where, record))
    except (RecordError, ValueError) as exc:
        errors.append(RowError(where, str(exc)))


def _row(shop, where: str, r: dict) -> _Row:
    number = _text(r, "order_number").lstrip("#")
    if not number:
        raise RecordError("order_number is empty")
    product = _text(r, "product")
    if not product:
        raise RecordError("product is empty")
    if _text(r, "unit_price") == "":
        raise RecordError("unit_price is empty")
    tz = ZoneInfo(shop.time_zone or "Europe/Stockholm")
    currency = (_text(r, "currency") or "SEK").upper()
    quantity = _int(_text(r, "quantity") or "1", "quantity")
    unit = to_decimal(r.get("unit_price"))
    total = to_decimal(r["line_total"]) if _text(r, "line_total") else unit * quantity
    rate = to_decimal(r["vat_rate"]) if _text(r, "vat_rate") else DEFAULT_VAT
    status = _text(r, "line_status").lower() or LineStatus.IN_STOCK
    if status not in LINE_STATUSES:
        raise RecordError(f"line_status {status!r} is not one of {', '.join(LINE_STATUSES)}")
    order_status = _text(r, "status").lower()
    if order_status and order_status not in OrderStatus.values:
        raise RecordError(f"status {order_status!r} is not one of {', '.join(OrderStatus.values)}")
    line = LineData(
        name=product,
        sku=_text(r, "sku"),
        external_id=_text(r, "line_id") or _text(r, "sku") or product,
        quantity=quantity,
        unit_price_minor=to_minor(unit, currency),
        total_minor=to_minor(total, currency),
        tax_minor=to_minor(total * rate / (100 + rate), currency),
        vat_rate=rate.quantize(Decimal("0.01")),
        status=status,
        expected_at=to_date(_text(r, "expected_at")),
    )
    order = dict(
        r,
        _placed_at=to_datetime(_text(r, "placed_at"), naive_tz=tz),
        _updated_at=to_datetime(_text(r, "updated_at"), naive_tz=tz),
        _currency=currency,
        _status=order_status,
    )
    parcel = {}
    if _text(r, "tracking_number"):
        parcel = {
            "number": _text(r, "tracking_number"),
            "carrier": _text(r, "carrier"),
            "shipped_at": to_datetime(_text(r, "shipped_at"), naive_tz=tz),
            "delivered_at": to_datetime(_text(r, "delivered_at"), naive_tz=tz),
        }
    key = _text(r, "order_id") or number
    return _Row(where=where, order_key=key, order=order, line=line, parcel=parcel)


def _int(text: str, name: str) -> int:
    try:
        value = int(Decimal(text.replace(",", ".")))
    except ArithmeticError:
        raise RecordError(f"{name} {text!r} is not a whole number") from None
    if value < 0:
        raise RecordError(f"{name} is negative")
    return value


def _save(shop, rows: list[_Row], errors: list[RowError], *, notify: bool) -> ImportResult:
    result = ImportResult(errors=errors)
    orders: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        orders[row.order_key].append(row)
    for key, group in orders.items():
        if not any(row.order["_placed_at"] for row in group):
            result.errors.append(RowError(group[0].where, "placed_at is empty"))
            continue
        try:
            with transaction.atomic():
                _save_order(shop, key, group, notify=notify)
        except Exception as exc:  # one broken order must not stop the rest
            for row in group:
                result.errors.append(RowError(row.where, f"not saved: {exc}"))
            continue
        result.orders += 1
        result.lines += len(group)
    result.errors.sort(key=_sort_key)
    return result


def _sort_key(error: RowError) -> tuple:
    return tuple(
        int(part) if part.isdigit() else 0 for part in error.where.replace(",", " ").split()
    )


def _save_order(shop, key: str, group: list[_Row], *, notify: bool) -> None:
    head = next(row.order for row in group if row.order["_placed_at"])  # the order's row
    currency = head["_currency"]
    lines = [row.line for row in group]
    line_total = sum(line.total_minor for line in lines)
    shipping = to_minor(head.get("shipping"), currency)
    tax = (
        to_minor(head["tax"], currency)
        if _text(head, "tax")
        else sum(line.tax_minor for line in lines)
    )
    data = OrderData(
        external_id=key,
        number=_text(head, "order_number").lstrip("#"),
        placed_at=head["_placed_at"],
        updated_at=head["_updated_at"],
        email=_text(head, "email"),
        name=_text(head, "name"),
        phone=_text(head, "phone"),
        postcode=_text(head, "postcode"),
        country=_text(head, "country") or "SE",
        language=_text(head, "language") or "sv",
        status=head["_status"] or OrderStatus.CONFIRMED,
        currency=currency,
        subtotal_minor=line_total,
        shipping_minor=shipping,
        discount_minor=to_minor(head.get("discount"), currency),
        tax_minor=tax,
        total_minor=(
            to_minor(head["order_total"], currency)
            if _text(head, "order_total")
            else line_total + shipping
        ),
        payment_method=_text(head, "payment_method"),
        shipping_method=_text(head, "shipping_method"),
        lines=lines,
    )
    order = services.save_order(shop, data, platform=Platform.IMPORT, notify=notify)
    parcels: dict[str, list[_Row]] = defaultdict(list)
    for row in group:
        if row.parcel:
            parcels[row.parcel["number"]].append(row)
    for number, parcel_rows in parcels.items():
        first = parcel_rows[0].parcel
        services.save_shipment(
            order,
            ShipmentData(
                tracking_number=number,
                carrier_name=first["carrier"],  # a code or a name
                shipped_at=first["shipped_at"],
                delivered_at=first["delivered_at"],
                lines=[
                    ItemRef(line_external_id=row.line.external_id, quantity=row.line.quantity)
                    for row in parcel_rows
                ],
            ),
            notify=notify,
        )
