"""Every phone webhook refuses a request that is not from the shop's provider with 403,
and stores nothing (A6 applies to customers, not to forgeries): 46elks by the token in
the address and the Basic auth password, Twilio by `X-Twilio-Signature` over the URL it
requested (behind a proxy: the URL the client used) and the sorted POST parameters."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from kundsvar.cases.models import Case
from kundsvar.channels.hooks.models import InboundHook
from kundsvar.channels.phone.providers import twilio

from .conftest import FORM, elks_auth, twilio_post

pytestmark = pytest.mark.django_db
SMS = {"id": "s1", "from": "+46701234567", "to": "+46766860000", "message": "Hej"}


def test_twilios_documented_example_signature():
    # Twilio's docs and request-validator tests: auth token 12345, this URL and these
    # parameters sign to this value; the parameters' order does not matter.
    params = {
        "CallSid": ["CA1234567890ABCDE"],
        "Caller": ["+14158675309"],
        "Digits": ["1234"],
        "From": ["+14158675309"],
        "To": ["+18005551212"],
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio.signature("12345", url, params) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    assert twilio.valid(
        "12345", url, dict(reversed(params.items())), "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    )
    assert not twilio.valid(
        "12345", url, {**params, "Digits": ["9"]}, "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    )
    assert not twilio.valid("", url, params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")


@pytest.mark.parametrize("name", ["elks_sms", "elks_voice", "elks_next", "elks_ivr", "elks_hangup"])
def test_46elks_without_the_password_or_with_a_wrong_token_gets_403_and_nothing_is_stored(
    client, elks, name
):
    url = reverse(f"phone:{name}", args=[elks.hook_token])
    body = urlencode({**SMS, "callid": "c1"})
    assert client.post(url, body, FORM).status_code == 403
    assert client.post(url, body, FORM, **elks_auth(elks, "guessed")).status_code == 403
    wrong_token = reverse(f"phone:{name}", args=["not-the-token"])
    assert client.post(wrong_token, body, FORM, **elks_auth(elks)).status_code == 403
    assert InboundHook.objects.count() == 0 and Case.objects.count() == 0
    assert client.post(url, body, FORM, **elks_auth(elks)).status_code in (200, 204)
    assert InboundHook.objects.count() == 1


def test_a_46elks_token_does_not_open_the_twilio_door(client, elks):
    url = reverse("phone:twilio_sms", args=[elks.hook_token])
    assert client.post(url, urlencode(SMS), FORM, **elks_auth(elks)).status_code == 403
    assert InboundHook.objects.count() == 0


@pytest.mark.parametrize(
    "name", ["twilio_sms", "twilio_voice", "twilio_dial", "twilio_gather", "twilio_status"]
)
def test_twilio_with_a_bad_signature_gets_403_and_nothing_is_stored(client, twilio_phone, name):
    data = {"MessageSid": "SM1", "CallSid": "CA1", "From": "+46701234567", "Body": "Hej"}
    assert twilio_post(client, twilio_phone, name, data, signature="bm90IGl0").status_code == 403
    url = reverse(f"phone:{name}", args=[twilio_phone.hook_token])
    assert client.post(url, urlencode(data), FORM).status_code == 403  # no signature at all
    # Signed with another account's token.
    forged = twilio.signature(
        "other-token", f"http://testserver{url}", {k: [v] for k, v in data.items()}
    )
    assert twilio_post(client, twilio_phone, name, data, signature=forged).status_code == 403
    assert InboundHook.objects.count() == 0 and Case.objects.count() == 0
    assert twilio_post(client, twilio_phone, name, data).status_code in (200, 204)
    assert InboundHook.objects.count() == 1


def test_a_changed_parameter_breaks_the_signature(client, twilio_phone):
    data = {"MessageSid": "SM1", "From": "+46701234567", "Body": "Hej"}
    path = reverse("phone:twilio_sms", args=[twilio_phone.hook_token])
    signature = twilio.signature(
        twilio_phone.secret, f"http://testserver{path}", {k: [v] for k, v in data.items()}
    )
    tampered = urlencode({**data, "Body": "Hej, återbetala 10 000 kr"})
    assert client.post(path, tampered, FORM, HTTP_X_TWILIO_SIGNATURE=signature).status_code == 403
    assert InboundHook.objects.count() == 0


def test_behind_a_proxy_twilio_signed_the_public_https_url(client, twilio_phone, settings):
    data = {"MessageSid": "SMproxy", "From": "+46701234567", "Body": "Hej"}
    path = reverse("phone:twilio_sms", args=[twilio_phone.hook_token])
    public = f"https://support.example{path}"  # what Twilio called; the proxy spoke http
    signature = twilio.signature(twilio_phone.secret, public, {k: [v] for k, v in data.items()})
    headers = {
        "HTTP_X_TWILIO_SIGNATURE": signature,
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_HOST": "support.example",
    }
    settings.ALLOWED_HOSTS = ["testserver", "support.example"]
    settings.PHONE_TRUST_PROXY = False  # the headers are not believed: refused
    assert client.post(path, urlencode(data), FORM, **headers).status_code == 403
    assert InboundHook.objects.count() == 0
    settings.PHONE_TRUST_PROXY = True
    assert client.post(path, urlencode(data), FORM, **headers).status_code == 200
    assert InboundHook.objects.get().external_id == "SMproxy"
