"""The one HTTP call the providers' APIs need: a form POST with Basic auth, answered
with JSON. Errors say what the provider answered (status and body), so a wrong
credential shows as "401: ..." on the settings page and on the failed SMS."""

import base64
import json
import urllib.error
import urllib.request
from urllib.parse import urlencode

from django.conf import settings

from kundsvar.core.delivery import DeliveryError


class ProviderError(DeliveryError):
    def __init__(self, message: str, *, status: int | None = None, permanent: bool = False):
        super().__init__(message, permanent=permanent)
        self.status = status


def post_form(url: str, data: dict[str, str], user: str, password: str) -> dict:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 — the URL is our setting, https in production
        url,
        data=urlencode(data).encode(),
        headers={
            "Authorization": f"Basic {token}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.PHONE_HTTP_TIMEOUT) as response:  # noqa: S310
            body = response.read()
    except urllib.error.HTTPError as error:
        text = error.read(2000).decode("utf-8", "replace").strip()
        # 4xx: the request or the credentials are wrong; sending it again cannot help
        # until a person fixes them (and presses "retry"). 429 and 5xx pass.
        permanent = 400 <= error.code < 500 and error.code != 429
        raise ProviderError(
            f"{error.code}: {text or error.reason}", status=error.code, permanent=permanent
        ) from None
    try:
        return json.loads(body or b"{}")
    except ValueError:
        raise ProviderError(f"not JSON: {body[:200]!r}") from None
