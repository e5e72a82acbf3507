"""Whatever the arithmetic gives is accepted by the database check `refund_adds_up` (O6)."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from kundsvar.commerce import services
from kundsvar.commerce.models import Refund
from kundsvar.commerce.records import DeductionData, RefundData
from kundsvar.commerce.tests.factories import OrderFactory
from kundsvar.shops.tests.factories import ShopFactory

T0 = datetime(2026, 11, 20, tzinfo=UTC)


class RefundsAreStorable(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(paid=st.integers(0, 10**9), amounts=st.lists(st.integers(1, 10**9), max_size=4))
    def test_any_refund_the_service_writes_satisfies_the_check(self, paid, amounts):
        order = OrderFactory(shop=ShopFactory())
        refund = services.save_refund(
            order,
            RefundData(
                created_at=T0,
                paid_minor=paid,
                deductions=[DeductionData("other", amount) for amount in amounts],
            ),
            notify=False,
        )
        refund.refresh_from_db()
        assert refund.refunded_minor == refund.paid_minor - refund.deducted_minor >= 0
        assert refund.deducted_minor == sum(d.amount_minor for d in refund.deductions.all())


@pytest.mark.django_db
def test_the_database_refuses_a_refund_that_does_not_add_up():
    order = OrderFactory(shop=ShopFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.create(
            order=order, created_at=T0, paid_minor=8000, deducted_minor=5900, refunded_minor=8000
        )
