"""A burst of SMS webhooks, a worker killed in the middle of it, and the next worker run:
every SMS is one message, none lost, none twice (A6). Bodies are stored in the request;
the worker "dies" with rows claimed and one SMS already on its case but its row not yet
marked done; `process_due` after the lease finishes the rest."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from kundsvar.cases.models import Direction, Message
from kundsvar.channels.hooks import services as hooks
from kundsvar.channels.hooks.models import HookState, InboundHook
from kundsvar.channels.phone import processors

from .conftest import FORM, elks_auth

pytestmark = pytest.mark.django_db


def test_a_worker_killed_mid_burst_leaves_every_sms_exactly_once(client, elks, now):
    url = reverse("phone:elks_sms", args=[elks.hook_token])
    numbers = [f"+4670{n:07d}" for n in range(12)]
    for i in range(40):  # 40 SMS from 12 customers; on_commit tasks never run here
        data = {
            "id": f"s{i:04d}",
            "from": numbers[i % 12],
            "to": elks.number,
            "message": f"Meddelande {i}",
            "created": "2027-03-17T09:00:00",
        }
        assert client.post(url, urlencode(data), FORM, **elks_auth(elks)).status_code == 204
        if i % 5 == 0:  # 46elks retries some of them (a slow answer)
            client.post(url, urlencode(data), FORM, **elks_auth(elks))
    ids = list(InboundHook.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 40
    now = timezone.now()  # after the burst (the test clock ticks)
    # The worker processes 15, takes 5 more and dies; the last of those had its SMS
    # stored on the case before the worker could mark the row done.
    for hook_id in ids[:15]:
        assert hooks.process(hook_id, now) == HookState.DONE
    for hook_id in ids[15:20]:
        assert hooks.claim(hook_id, now) is not None
    processors.elks_sms(InboundHook.objects.get(pk=ids[19]))
    assert hooks.process_due(now + timedelta(minutes=1)) == 20  # the leased five wait
    assert hooks.process_due(now + hooks.LEASE + timedelta(minutes=2)) == 5
    assert set(InboundHook.objects.values_list("state", flat=True)) == {HookState.DONE}
    inbound = Message.objects.filter(direction=Direction.INBOUND)
    texts = sorted(inbound.values_list("body_text", flat=True))
    assert texts == sorted(f"Meddelande {i}" for i in range(40))  # each exactly once
    assert inbound.values("case").distinct().count() == 12  # one SMS case per customer
