"""Every real message in the corpora goes through the whole pipeline (rule A6): none
raises, each is kept byte for byte, and each ends on a case or is accounted for."""

import pytest

from kundsvar.channels.email import pipeline, rawstore
from kundsvar.channels.email.models import RawState
from kundsvar.core.corpora import CORPORA
from kundsvar.shops.tests.factories import ShopFactory

FILES = sorted((CORPORA / "imap_tools").rglob("*.eml")) + sorted(
    p for p in (CORPORA / "flanker").rglob("*") if p.is_file()
)


@pytest.mark.django_db
def test_every_corpus_message_is_ingested_and_kept_byte_for_byte():  # A6
    assert len(FILES) > 150, f"corpora not found under {CORPORA}"
    shop = ShopFactory(email="kundtjanst@butik.example")
    outcomes = {}
    for path in FILES:
        raw = path.read_bytes()
        row = pipeline.receive(raw, shop=shop, source="import")
        assert rawstore.get(row.sha256) == raw, path
        assert row.state in (RawState.PROCESSED, RawState.DUPLICATE, RawState.IGNORED), (
            path,
            row.state,
            row.error,
        )
        if row.state != RawState.IGNORED:
            assert row.case_message is not None, path
        outcomes[row.state] = outcomes.get(row.state, 0) + 1
    assert outcomes[RawState.PROCESSED] > 100
