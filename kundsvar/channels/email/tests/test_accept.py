"""Accepting a message writes its RawMessage row with one fixed INSERT (issue #11): the
row must be the one RawMessage.objects.create made, and the same bytes again the same
row, in a transaction of the caller's too."""

from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.forms.models import model_to_dict

from kundsvar.channels.email import pipeline, rawstore
from kundsvar.channels.email.models import RawMessage, RawState
from kundsvar.shops.tests.factories import ShopFactory

from .mails import SHOP_ADDRESS, mail

AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.fixture
def shop():
    return ShopFactory(email=SHOP_ADDRESS)


@pytest.fixture
def not_processed(monkeypatch):
    monkeypatch.setattr(pipeline, "_hand_to_worker", lambda row: False)


@pytest.mark.django_db
def test_the_accepted_row_is_the_row_the_orm_would_write(shop, not_processed):
    raw = mail(message_id="<a1@example.se>")
    row = pipeline.receive(
        raw, shop=shop, source="http", envelope_to=[SHOP_ADDRESS], received_at=AT
    )
    expected = RawMessage(
        sha256=rawstore.put(raw),
        size=len(raw),
        source="http",
        shop=shop,
        envelope_to=[SHOP_ADDRESS],
        received_at=AT,
    )
    stored = RawMessage.objects.get()
    assert model_to_dict(stored, exclude=["id"]) == model_to_dict(expected, exclude=["id"])
    assert model_to_dict(row) == model_to_dict(stored)
    assert row.pk == stored.pk and not row._state.adding and row.state == RawState.PENDING
    row.save(update_fields=["kind"])  # an ordinary saved row: update_fields works


@pytest.mark.django_db
def test_the_same_bytes_again_are_the_same_row_also_inside_a_transaction(shop, not_processed):
    raw = mail(message_id="<a2@example.se>")
    first = pipeline.receive(raw, shop=shop, source="smtp", received_at=AT)
    with transaction.atomic():
        again = pipeline.receive(raw, shop=shop, source="smtp", received_at=AT)
        assert RawMessage.objects.count() == 1  # the transaction is still usable
    assert again.pk == first.pk
    truncated = pipeline.accept(
        rawstore.put(b"x"), 1, shop=shop, source="http", received_at=AT, truncated=True
    )
    assert RawMessage.objects.get(pk=truncated.pk).truncated is True
