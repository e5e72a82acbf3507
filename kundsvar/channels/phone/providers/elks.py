"""46elks (https://46elks.se/docs): sending SMS, and the JSON call actions we answer its
voice webhooks with. 46elks signs nothing: our webhook addresses carry a secret token in
the path and a Basic auth password, and its ids make a retry (it retries for hours on
anything but 2xx) the same event."""

from django.conf import settings

from .http import post_form

CODE = "46elks"


def send_sms(account: str, secret: str, *, sender: str, to: str, body: str, report_url: str):
    """POST /a1/sms; returns the SMS id ("s…")."""
    data = {"from": sender, "to": to, "message": body}
    if report_url:
        data["whendelivered"] = report_url
    answer = post_form(f"{settings.PHONE_46ELKS_API_URL}/a1/sms", data, account, secret)
    return str(answer.get("id", ""))


def connect(numbers: list[str], *, caller_id: str, next_url: str, timeout: int = 30) -> dict:
    """Ring every agent's phone at once; the first to answer gets the call. 46elks calls
    `next_url` with result=success|busy|failed when the connect ends."""
    return {
        "connect": ",".join(numbers),
        "callerid": caller_id,
        "timeout": timeout,
        "next": next_url,
    }


def offer_callback(prompt_url: str, *, next_url: str) -> dict:
    """Play the shop's recording ("press 1 and we call you back") and read one digit."""
    return {"ivr": prompt_url, "digits": 1, "timeout": 10, "repeat": 2, "next": next_url}


def play(audio_url: str, then: dict | None = None) -> dict:
    """Play a recording, then go on with `then` (an action; none: the call ends)."""
    return {"play": audio_url, **({"next": then} if then else {})}


def hangup() -> dict:
    return {"hangup": "reject"}
