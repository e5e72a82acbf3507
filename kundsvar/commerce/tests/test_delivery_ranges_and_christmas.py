"""Wide delivery ranges are flagged (O3); Christmas last order dates only in season (O5)."""

from datetime import date

import pytest

from kundsvar.commerce import delivery
from kundsvar.commerce.models import CommerceSettings, ShippingMethod
from kundsvar.shops.tests.factories import ShopFactory


def test_a_wide_range_is_flagged_and_a_narrow_one_is_not():  # O3
    settings = CommerceSettings(wide_range_days=3)
    assert delivery.is_wide(2, 14, settings)  # "2–14 dagar"
    assert not delivery.is_wide(12, 14, settings)  # "12–14 dagar"
    assert delivery.is_wide(date(2026, 12, 1), date(2026, 12, 14), settings)
    assert not delivery.is_wide(date(2026, 12, 1), date(2026, 12, 3), settings)
    assert not delivery.is_wide(None, None, settings)


def test_the_threshold_is_the_shops_own():  # O3
    assert not delivery.is_wide(2, 14, CommerceSettings(wide_range_days=14))
    assert delivery.is_wide(12, 14, CommerceSettings(wide_range_days=1))


@pytest.fixture
def methods(db):
    shop = ShopFactory(name="Nordljus")
    make = ShippingMethod.objects.create
    home = make(shop=shop, code="home", name="Hemleverans", christmas_last_order=date(2026, 12, 18))
    express = make(
        shop=shop, code="express", name="Express", christmas_last_order=date(2026, 12, 22)
    )
    make(
        shop=shop, code="old", name="Gammal", active=False, christmas_last_order=date(2026, 12, 20)
    )
    make(shop=shop, code="letter", name="Brev")  # no Christmas date
    make(shop=shop, code="last-year", name="Förra året", christmas_last_order=date(2025, 12, 18))
    return shop, home, express


@pytest.mark.parametrize("today", [date(2026, 10, 31), date(2026, 12, 25), date(2027, 1, 2)])
def test_no_christmas_dates_out_of_season(methods, today):  # O5
    shop, _home, _express = methods
    assert delivery.christmas_deadlines(shop, today) == []


def test_christmas_dates_from_the_first_of_november(methods):  # O5
    shop, home, express = methods
    assert delivery.christmas_deadlines(shop, date(2026, 11, 1)) == [
        (home, date(2026, 12, 18), False),
        (express, date(2026, 12, 22), False),
    ]


def test_a_passed_date_is_marked_until_julafton(methods):  # O5
    shop, home, express = methods
    assert delivery.christmas_deadlines(shop, date(2026, 12, 20)) == [
        (home, date(2026, 12, 18), True),
        (express, date(2026, 12, 22), False),
    ]
    assert [
        passed for _m, _d, passed in delivery.christmas_deadlines(shop, date(2026, 12, 24))
    ] == [True, True]
