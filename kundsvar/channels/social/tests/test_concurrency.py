"""Two workers with the same message at the same moment (a redelivery in a differently
batched body, processed in parallel): both find it new, both go to store it, and the
platform id's unique row lets exactly one through (A6, no double message).

The race is played out in one thread, step by step (SQLite's in-memory test database
cannot take two writers from two threads): worker A checks, then worker B takes the
message in completely, then A goes on to store it."""

import pytest

from kundsvar.cases.models import Case, Message
from kundsvar.channels.social import inbound
from kundsvar.channels.social.events import Incoming
from kundsvar.channels.social.models import PlatformMessage

from . import payloads

pytestmark = pytest.mark.django_db


def test_two_workers_taking_in_one_message_store_it_once(monkeypatch, whatsapp, now):
    whatsapp.acknowledge = False
    whatsapp.save()
    fetch = inbound._fetch_media
    steps = []

    def message():
        return Incoming(
            "whatsapp", payloads.PHONE_ID, payloads.WA_ID, "wamid.TWICE", now, text="Hej!"
        )

    def worker_b_gets_there_first(*args):
        if not steps:  # worker A is past "already taken in?"; now B does it all
            steps.append("B")
            inbound.take_in(whatsapp, message())
        steps.append("fetched")
        return fetch(*args)

    monkeypatch.setattr(inbound, "_fetch_media", worker_b_gets_there_first)
    inbound.take_in(whatsapp, message())  # worker A
    assert steps == ["B", "fetched", "fetched"]  # B's, then A's: both stored it
    assert Message.objects.count() == 1 and Case.objects.count() == 1
    assert PlatformMessage.objects.get().message_id == Message.objects.get().pk
