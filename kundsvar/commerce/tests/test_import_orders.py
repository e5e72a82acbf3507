"""`kundsvar import-orders`: CSV and JSON, bad rows reported by line, good rows kept."""

import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from kundsvar.commerce.connectors.importer import import_csv
from kundsvar.commerce.models import LineStatus, Order, OrderStatus, Platform, Shipment
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "order_number;placed_at;email;name;postcode;product;sku;quantity;unit_price;"
    "line_status;expected_at;tracking_number;carrier;shipped_at\n"
)
GOOD = (
    "100231;2026-11-20 14:05;karin@example.se;Karin Lindqvist;111 22;Vinterjacka;JK-1;1;"
    "1 299,00;waiting;2026-12-03;;;\n"
    "100231;;;;;Mössa;MO-2;2;149,50;;;;;\n"
    "100244;2026-11-18;lena@example.se;Lena Nyström;41301;Kudde blå;KU-1;1;199;;;"
    "RR123456785SE;PostNord;2026-11-19\n"
)


@pytest.fixture
def shop():
    return ShopFactory(slug="butik")


@pytest.fixture
def changes(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "kundsvar.commerce.proactive.on_change",
        lambda order, kind, *, obj=None, now=None: calls.append(kind),
    )
    return calls


def test_a_csv_makes_orders_lines_and_parcels(tmp_path, shop, changes):  # O1
    path = tmp_path / "orders.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8-sig")
    call_command("import-orders", str(path), "--shop", "butik", verbosity=0)
    jacket = Order.objects.get(number="100231")
    assert jacket.platform == Platform.IMPORT and jacket.status == OrderStatus.WAITING
    assert jacket.placed_at == datetime(2026, 11, 20, 13, 5, tzinfo=UTC)  # Stockholm time
    assert jacket.postcode == "11122" and jacket.total_minor == 129_900 + 29_900
    waiting = jacket.lines.get(sku="JK-1")
    assert waiting.status == LineStatus.WAITING and str(waiting.expected_at) == "2026-12-03"
    assert waiting.tax_minor == 25_980  # 25 % VAT inside 1 299,00
    parcel = Shipment.objects.get()
    assert parcel.order.number == "100244" and parcel.carrier == "postnord"
    assert Order.objects.get(number="100244").status == OrderStatus.SHIPPED
    assert changes == []  # an import is quiet unless --notify


def test_importing_twice_updates_rather_than_duplicates(tmp_path, shop, changes):
    path = tmp_path / "orders.csv"
    path.write_text(HEADER + GOOD)
    call_command("import-orders", str(path), "--shop", "butik", verbosity=0)
    call_command("import-orders", str(path), "--shop", "butik", verbosity=0)
    assert Order.objects.count() == 2 and Shipment.objects.count() == 1
    assert Order.objects.get(number="100231").lines.count() == 2


def test_bad_rows_are_reported_by_line_and_good_rows_kept(tmp_path, shop, capsys):
    bad = (
        ";2026-11-20;a@example.se;A;111 22;Jacka;J;1;100;;;;;\n"  # line 5
        "100300;igår;b@example.se;B;111 22;Jacka;J;1;100;;;;;\n"  # line 6
        "100301;2026-11-20;c@example.se;C;111 22;Jacka;J;1;hundra;;;;;\n"  # line 7
        "100302;2026-11-20;d@example.se;D;111 22;Jacka;J;1;100;trasig;;;;\n"  # line 8
    )
    path = tmp_path / "orders.csv"
    path.write_text(HEADER + GOOD + bad)
    with pytest.raises(CommandError, match="4 rows failed"):
        call_command("import-orders", str(path), "--shop", "butik", verbosity=0)
    err = capsys.readouterr().err
    for line in (5, 6, 7, 8):
        assert f"line {line}:" in err
    assert "order_number is empty" in err and "'hundra'" in err
    assert set(Order.objects.values_list("number", flat=True)) == {"100231", "100244"}


def test_the_command_exits_non_zero_when_a_row_failed(tmp_path, shop, monkeypatch):
    from django.db import connections

    from kundsvar.cli import main

    # run_from_argv closes every connection when it ends; the test still needs its own.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    path = tmp_path / "orders.csv"
    path.write_text(HEADER + ";2026-11-20;;;;Jacka;;1;100;;;;;\n" + GOOD)
    with pytest.raises(SystemExit) as exited:
        main(["import-orders", str(path), "--shop", "butik"])
    assert exited.value.code == 1
    assert Order.objects.count() == 2


def test_a_json_list_of_orders_imports_with_errors_by_position(tmp_path, shop, changes):
    orders = [
        {
            "order_number": "100400",
            "placed_at": "2026-11-21T09:00:00+01:00",
            "email": "sofia.berg@example.se",
            "status": "delivered",
            "lines": [
                {
                    "product": "Skor",
                    "sku": "SK-40",
                    "unit_price": 899.0,
                    "quantity": 1,
                    "tracking_number": "RR123456785SE",
                    "shipped_at": "2026-11-21",
                    "delivered_at": "2026-11-23",
                }
            ],
        },
        {
            "order_number": "100401",
            "placed_at": "2026-11-21",
            "lines": [
                {"product": "Halsduk", "unit_price": "249,00"},
                {"product": "", "unit_price": "10"},
            ],
        },
        {"order_number": "100402"},
    ]
    path = tmp_path / "orders.json"
    path.write_text(json.dumps(orders))
    with pytest.raises(CommandError):
        call_command("import-orders", str(path), "--shop", "butik", verbosity=0)
    shoes = Order.objects.get(number="100400")
    assert shoes.total_minor == 89_900 and shoes.status == OrderStatus.DELIVERED
    assert shoes.shipments.get().delivered_at is not None
    assert Order.objects.get(number="100401").lines.count() == 1


def test_errors_name_their_json_position(shop):
    from kundsvar.commerce.connectors.importer import import_json

    result = import_json(
        shop,
        json.dumps(
            [
                {
                    "order_number": "1",
                    "placed_at": "2026-11-21",
                    "lines": [{"product": "A", "unit_price": "1"}, {"product": "B"}],
                },
                "not an order",
            ]
        ),
    )
    assert [str(e) for e in result.errors] == [
        "order 1, line 2: unit_price is empty",
        "order 2: an object with a list of lines",
    ]
    assert result.orders == 1


def test_a_comma_separated_file_with_a_different_column_order(shop):
    result = import_csv(
        shop, "product,unit_price,order_number,placed_at\nLampa,349.00,100500,2026-11-22\n"
    )
    assert result.ok and Order.objects.get().lines.get().unit_price_minor == 34_900


def test_notify_tells_the_customer(shop, changes):
    import_csv(shop, HEADER + GOOD, notify=True)
    assert sorted(changes) == ["confirmed", "confirmed", "shipped", "waiting"]
