"""The HTTP boundary to Meta: the Graph API (Messenger, Instagram) and the WhatsApp Cloud
API. Each platform's base URL is a setting (MESSENGER_API_URL, INSTAGRAM_API_URL,
WHATSAPP_API_URL), so tests and a staging install point it at a fake server.

Errors carry the platform's own words (`{"error": {"message": ...}}`): a wrong token
shows as "Invalid OAuth access token" on the settings page, not as "HTTP 400"."""

import json
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit

from django.conf import settings

from kundsvar.core.delivery import DeliveryError

TIMEOUT = 15  # seconds
MAX_MEDIA_BYTES = 100 * 1024 * 1024  # WhatsApp's largest document
# Graph error codes worth another try: temporary, throttled, or "try again later".
TEMPORARY_CODES = {1, 2, 4, 17, 32, 613, 80007, 130429, 131000, 131016, 131048, 131056}


class GraphError(DeliveryError):
    """A call the platform refused or that did not reach it. `permanent` when trying
    again cannot help (a bad token, a missing permission, a user who cannot be reached)."""

    def __init__(self, message: str, *, status: int | None = None, code: int | None = None):
        temporary = status is None or status >= 500 or status == 429 or code in TEMPORARY_CODES
        super().__init__(message, permanent=not temporary)
        self.status = status
        self.code = code


def base_url(platform: str) -> str:
    names = {
        "messenger": "MESSENGER_API_URL",
        "instagram": "INSTAGRAM_API_URL",
        "whatsapp": "WHATSAPP_API_URL",
    }
    return getattr(settings, names[platform]).rstrip("/")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _open(request: urllib.request.Request, limit: int):
    if urlsplit(request.full_url).scheme not in ("http", "https"):
        raise GraphError("Only http and https URLs are called.")
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:  # noqa: S310 (checked)
            body = response.read(limit + 1)
            if len(body) > limit:
                raise GraphError(f"The answer is larger than {limit} bytes.", status=413)
            return body, response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        raise _error(error.code, error.read(4000)) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise GraphError(f"{type(error).__name__}: {error}") from None


def _error(status: int, body: bytes) -> GraphError:
    """The platform's own message: {"error": {"message", "code", "error_data": ...}}."""
    try:
        error = json.loads(body)["error"]
        message, code = str(error.get("message", "")), error.get("code")
        details = (error.get("error_data") or {}).get("details")
        if details and details not in message:
            message = f"{message} ({details})"
    except (ValueError, KeyError, TypeError, AttributeError):
        message, code = body.decode("utf-8", "replace").strip()[:300], None
    code = code if isinstance(code, int) else None
    prefix = f"HTTP {status}" + (f", code {code}" if code is not None else "")
    return GraphError(f"{prefix}: {message}".strip(), status=status, code=code)


def _json(body: bytes) -> dict:
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        raise GraphError("The platform's answer is not JSON.") from None
    if not isinstance(answer, dict):
        raise GraphError("The platform's answer is not a JSON object.")
    return answer


def post(platform: str, path: str, token: str, payload: dict) -> dict:
    """POST `payload` as JSON to `<base>/<path>`, with the token as a bearer token."""
    request = urllib.request.Request(  # noqa: S310 (scheme checked in _open)
        f"{base_url(platform)}/{path.lstrip('/')}",
        data=json.dumps(payload, ensure_ascii=False).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    return _json(_open(request, 1024 * 1024)[0])


def get(platform: str, path: str, token: str, **params) -> dict:
    query = f"?{urlencode(params)}" if params else ""
    request = urllib.request.Request(  # noqa: S310 (scheme checked in _open)
        f"{base_url(platform)}/{path.lstrip('/')}{query}",
        headers={"Authorization": f"Bearer {token}"},
    )
    return _json(_open(request, 1024 * 1024)[0])


def download(url: str, token: str = "") -> tuple[bytes, str]:
    """A file's bytes and content type. WhatsApp's media URLs need the token; the
    attachment URLs in Messenger and Instagram webhooks are signed and need none."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (checked in _open)
    return _open(request, MAX_MEDIA_BYTES)
