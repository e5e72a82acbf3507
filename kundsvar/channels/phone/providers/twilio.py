"""Twilio (https://www.twilio.com/docs): sending SMS, checking `X-Twilio-Signature`, and
the TwiML we answer its Voice and Messaging webhooks with.

The signature is base64(HMAC-SHA1(auth token, URL + each POST parameter's name and value,
sorted by name)), over the URL Twilio requested. Behind a proxy that URL is not the one
Django sees: with PHONE_TRUST_PROXY the scheme and host come from X-Forwarded-Proto and
X-Forwarded-Host, as the client (Twilio) used them."""

import base64
import hashlib
import hmac
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings

from .http import post_form

CODE = "twilio"


def signature(token: str, url: str, params: dict[str, list[str]]) -> str:
    payload = url + "".join(
        name + value for name in sorted(params) for value in sorted(set(params[name]))
    )
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def valid(token: str, url: str, params: dict[str, list[str]], given: str) -> bool:
    return bool(token and given) and hmac.compare_digest(signature(token, url, params), given)


def request_url(request) -> str:
    """The full URL the client asked for, query string included."""
    scheme, host = request.scheme, request.get_host()
    if settings.PHONE_TRUST_PROXY:
        scheme = request.headers.get("X-Forwarded-Proto", scheme).split(",")[0].strip()
        host = request.headers.get("X-Forwarded-Host", host).split(",")[0].strip()
    return f"{scheme}://{host}{request.get_full_path()}"


def send_sms(account: str, secret: str, *, sender: str, to: str, body: str, report_url: str):
    """POST /2010-04-01/Accounts/{sid}/Messages.json; returns the MessageSid ("SM…")."""
    data = {"From": sender, "To": to, "Body": body}
    if report_url:
        data["StatusCallback"] = report_url
    url = f"{settings.PHONE_TWILIO_API_URL}/2010-04-01/Accounts/{account}/Messages.json"
    return str(post_form(url, data, account, secret).get("sid", ""))


def twiml(*verbs: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?><Response>' + "".join(verbs) + "</Response>"


def say(text: str, language: str) -> str:
    locale = {"sv": "sv-SE", "nb": "nb-NO", "da": "da-DK"}.get(language, "en-GB")
    return f"<Say language={quoteattr(locale)}>{escape(text)}</Say>"


def dial(numbers: list[str], *, caller_id: str, action: str, timeout: int = 30) -> str:
    inner = "".join(f"<Number>{escape(n)}</Number>" for n in numbers)
    return (
        f"<Dial timeout={quoteattr(str(timeout))} action={quoteattr(action)} "
        f"callerId={quoteattr(caller_id)}>{inner}</Dial>"
    )


def gather(prompt: str, *, action: str) -> str:
    return f'<Gather numDigits="1" timeout="10" action={quoteattr(action)}>{prompt}</Gather>'
