"""Issue #10, "one mail freezes the helpdesk": SQLite has one writer at a time, so the
slow work on a message (parsing, new text, masking, sanitising, rendering the
acknowledgement) must happen while no write transaction is open; the transaction only
writes. Transactional tests: pytest-django's default wraps every test in a transaction,
which would hide the difference."""

import pytest
from django.db import connection

from kundsvar.channels.email import emails, pipeline
from kundsvar.channels.email.models import OutboundEmail, RawState
from kundsvar.intake import services as intake
from kundsvar.shops.tests.factories import ShopFactory

from .conftest import T0
from .mails import SHOP_ADDRESS, mail

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("frozen_now")]


def spy(monkeypatch, module, name, seen):
    real = getattr(module, name)

    def watched(*args, **kwargs):
        seen.append((name, connection.in_atomic_block))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, watched)


def test_slow_work_on_a_message_happens_outside_the_write_transaction(monkeypatch):  # A6
    shop = ShopFactory(email=SHOP_ADDRESS)
    seen: list[tuple[str, bool]] = []
    for name in ("extract_new_text", "sanitize_html", "classify"):
        spy(monkeypatch, pipeline, name, seen)
    spy(monkeypatch, intake, "mask_personal_numbers", seen)  # C3 is intake's, for every channel
    spy(monkeypatch, emails, "written_acknowledgement", seen)
    text = "Hej! Mitt personnummer är 811218-9876. Order 100231.\n" * 4000  # 200 KB
    raw = mail(body=text, html=f"<p>{text}</p>")
    row = pipeline.receive(raw, shop=shop, source="smtp", received_at=T0)
    assert row.state == RawState.PROCESSED
    assert OutboundEmail.objects.filter(case=row.case_message.case).exists()
    assert {name for name, _ in seen} == {
        "mask_personal_numbers",
        "extract_new_text",
        "sanitize_html",
        "classify",
        "written_acknowledgement",
    }
    inside = sorted({name for name, atomic in seen if atomic})
    assert inside == [], f"done while holding the write lock: {inside}"
