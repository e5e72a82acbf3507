"""The JSON API under /api/v1/, plain JSON: typed django-ninja routes, a token
on every route, and one shape for every error:

    {"error": {"code": "not_found", "message": "No case 10234.", "details": null}}

A token acts as its agent, with the same rights as in the workspace: it sees the
cases of the shops the agent works for, and writes go through the same services.

The routers (in the workspace app: api.py for cases, customers_api.py) take the error
shape, the token check and the shared field types from here, and mount themselves on `api`.
"""

import logging
from datetime import timedelta
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import AfterValidator, Field

from kundsvar.accounts.models import TOKEN_PREFIX, ApiToken, TokenScope
from kundsvar.cases.services import CaseError

log = logging.getLogger(__name__)

# last_used_at is for people ("used 3 minutes ago"), not an audit: one write a minute.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200
READ_METHODS = ("GET", "HEAD", "OPTIONS")
# Larger numbers would overflow SQLite's and PostgreSQL's integers: a 422, never a 500.
MAX_INT = 2**31 - 1
MAX_PAGE = 100

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    422: "validation_error",
    429: "throttled",
}


class ErrorBody(Schema):
    code: str = Field(description="Stable, for programs: not_found, validation_error, …")
    message: str = Field(description="For people; may change.")
    details: Any = Field(None, description="For validation errors: one entry per field.")


class Error(Schema):
    error: ErrorBody


class ApiError(Exception):
    """An error response from inside a route: `raise ApiError(404, "not_found", "…")`."""

    def __init__(self, status: int, code: str, message: str, details: Any = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def errors(*statuses: int) -> dict[int, type[Error]]:
    """The error responses of a route, for its schema. 401 is on every route."""
    return dict.fromkeys(sorted({401, *statuses}), Error)


def _storable(value: str) -> str:
    """Text that PostgreSQL and SQLite both store: NUL replaced as the inbound services do,
    lone surrogates (unencodable as UTF-8) refused."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Text must be valid Unicode (no lone surrogates).") from None
    return value.replace("\x00", "\ufffd")


def _email(value: str) -> str:
    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError("Enter a valid email address.") from None
    return value.strip().lower()


Text = Annotated[str, AfterValidator(_storable)]
Email = Annotated[
    str,
    Field(max_length=254, json_schema_extra={"format": "email"}),
    AfterValidator(_storable),
    AfterValidator(_email),
]
# A shop's short name, as Django's SlugField takes it.
Slug = Annotated[
    str, Field(max_length=50, pattern=r"^[-a-zA-Z0-9_]+$", description="A shop's short name.")
]
Limit = Annotated[int, Field(ge=1, le=MAX_PAGE, description=f"At most {MAX_PAGE}.")]
Offset = Annotated[int, Field(ge=0, le=MAX_INT)]
Id = Annotated[int, Field(ge=1, le=MAX_INT)]


class Page(Schema):
    count: int = Field(description="Matching rows in all pages.")
    limit: int
    offset: int


def reject_unknown_query(request: HttpRequest, filters: type[Schema]) -> None:
    """A misspelt filter (`?stauts=closed`) must not quietly return every case."""
    unknown = sorted(set(request.GET) - set(filters.model_fields))
    if unknown:
        raise ApiError(
            422,
            CODES[422],
            "Unknown query parameters.",
            [
                {"type": "extra_forbidden", "loc": ["query", name], "msg": "Unknown parameter"}
                for name in unknown
            ],
        )


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ks_…`. Only the token's SHA-256 is stored and the row is
    found by it, so the response time says nothing about how much of a guess was right."""

    def authenticate(self, request: HttpRequest, token: str):
        if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_LENGTH:
            return None
        now = timezone.now()
        row = (
            ApiToken.objects.select_related("agent")
            .filter(key_hash=ApiToken.hash(token), revoked_at__isnull=True, agent__is_active=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .first()
        )
        if row is None:
            return None
        if row.scope != TokenScope.WRITE and request.method not in READ_METHODS:
            raise HttpError(403, "This token may only read: make a read and write token.")
        _touch(row, now)
        return row.agent


def _touch(token: ApiToken, now) -> None:
    stale = now - LAST_USED_RESOLUTION
    if token.last_used_at is None or token.last_used_at <= stale:
        # Conditional: of two requests in the same second only one writes.
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale), pk=token.pk
        ).update(last_used_at=now)


api = NinjaAPI(
    title="Kundsvar API",
    version="1",
    description=(
        "Cases and customers of the shops your agent works for. Authenticate with "
        "`Authorization: Bearer ks_…` (a personal API token). Every error has the "
        'shape `{"error": {"code", "message", "details"}}`.'
    ),
    auth=TokenAuth(),
    urls_namespace="api-v1",
)


def _error(request, status: int, code: str, message: str, details: Any = None) -> HttpResponse:
    body = {"error": {"code": code, "message": str(message), "details": details}}
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="kundsvar"'
    return response


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(CaseError)
def _case_error(request, exc: CaseError):
    # The services' refusals: their messages are written to be shown.
    return _error(request, 400, "refused", str(exc))


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    return _error(request, 422, CODES[422], "The request is not valid.", exc.errors)


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc: AuthenticationError):
    return _error(request, 401, CODES[401], "Send a valid API token: Authorization: Bearer ks_…")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _error(request, exc.status_code, CODES.get(exc.status_code, "error"), exc.message)


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    return _error(request, 404, CODES[404], "Not found.")


@api.exception_handler(Exception)
def _server_error(request, exc: Exception):
    log.exception("API error on %s %s", request.method, request.path)
    return _error(request, 500, "server_error", "Something went wrong on our side.")


# Each router mounts itself at its end (api.add_router), so whichever module is imported
# first, all are mounted; these imports make sure every router is loaded with the API.
import kundsvar.workspace.api  # noqa: E402, F401
import kundsvar.workspace.customers_api  # noqa: E402, F401
