"""Issue #10 for every channel: masking, storing the files and rendering the
acknowledgement happen while no write transaction is open (SQLite has one writer).
Transactional tests: the default test transaction would hide the difference."""

import pytest
from django.db import connection

from kundsvar.cases import files
from kundsvar.cases.attachments import File
from kundsvar.channels.email import emails
from kundsvar.intake import services as intake

from .conftest import inbound

pytestmark = pytest.mark.django_db(transaction=True)


def spy(monkeypatch, module, name, seen):
    real = getattr(module, name)

    def watched(*args, **kwargs):
        seen.append((name, connection.in_atomic_block))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, watched)


@pytest.mark.parametrize("channel", ["form", "api", "email"])
def test_slow_work_happens_outside_the_write_transaction(shop, monkeypatch, channel):  # A6
    seen: list[tuple[str, bool]] = []
    spy(monkeypatch, intake, "mask_personal_numbers", seen)
    spy(monkeypatch, files, "store", seen)
    spy(monkeypatch, emails, "written_acknowledgement", seen)
    text = "Hej! Mitt personnummer är 811218-9876. Order 100231.\n" * 2000
    received = intake.receive(
        shop, channel, inbound(body_text=text), attachments=[File("a.txt", "text/plain", b"a")]
    )
    assert received.acknowledged and received.masked
    assert {name for name, _ in seen} == {
        "mask_personal_numbers",
        "store",
        "written_acknowledgement",
    }
    inside = sorted({name for name, atomic in seen if atomic})
    assert inside == [], f"done while holding the write lock: {inside}"
