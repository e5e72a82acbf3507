"""Meta's handshake and the signature on every POST, checked on the raw body before
anything is stored."""

import json

import pytest

from kundsvar.cases.models import Case
from kundsvar.channels.hooks.models import InboundHook

from . import payloads

pytestmark = pytest.mark.django_db


def test_the_handshake_echoes_the_challenge_for_our_verify_token(client, whatsapp):
    url = f"/hooks/meta/{whatsapp.webhook_key}/"
    answer = client.get(
        url,
        {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"},
    )
    assert answer.status_code == 200 and answer.content == b"1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "verify-me", "hub.challenge": "1"},
        {"hub.challenge": "1"},
    ],
)
def test_the_handshake_with_a_wrong_token_is_refused(client, messenger, params):
    answer = client.get(f"/hooks/meta/{messenger.webhook_key}/", params)
    assert answer.status_code == 403 and b"1" not in answer.content


def test_an_unknown_webhook_url_is_404(client, messenger):
    assert client.get("/hooks/meta/nobody/", {"hub.mode": "subscribe"}).status_code == 404


@pytest.mark.parametrize(
    "sig",
    [
        "",  # missing
        "sha256=" + "0" * 64,  # wrong
        "sha1=abc",  # the old header's format
        None,  # signed with another app's secret (below)
    ],
)
def test_a_bad_or_missing_signature_is_403_and_nothing_is_stored(deliver, whatsapp, now, sig):
    body = json.dumps(payloads.whatsapp(payloads.wa_text("wamid.A", "Hej", now))).encode()
    from .conftest import signed

    answer = deliver(whatsapp, body, sig=signed(body, "another-secret") if sig is None else sig)
    assert answer.status_code == 403
    assert InboundHook.objects.count() == 0 and Case.objects.count() == 0


def test_a_body_changed_after_signing_is_refused(deliver, messenger, now):
    body = json.dumps(payloads.messenger(payloads.text_event("m_1", "Hej", now), at=now)).encode()
    from .conftest import signed

    tampered = body.replace(b"Hej", b"Hallo")
    assert deliver(messenger, tampered, sig=signed(body)).status_code == 403
    assert InboundHook.objects.count() == 0
