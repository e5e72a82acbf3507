import json

import pytest

from kundsvar.channels.social import signature
from kundsvar.channels.social.models import Connection
from kundsvar.shops.tests.factories import ShopFactory

from . import payloads
from .fake_graph import serve

SECRET = "app-secret-123"
VERIFY = "verify-me"


@pytest.fixture
def graph(settings):
    fake, server = serve()
    settings.MESSENGER_API_URL = settings.INSTAGRAM_API_URL = settings.WHATSAPP_API_URL = fake.url
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def shop(db):
    return ShopFactory(language="sv")


def _connection(shop, platform, account_id):
    return Connection.objects.create(
        shop=shop,
        platform=platform,
        account_id=account_id,
        access_token=f"token-{platform}",
        app_secret=SECRET,
        verify_token=VERIFY,
    )


@pytest.fixture
def messenger(shop):
    return _connection(shop, "messenger", payloads.PAGE_ID)


@pytest.fixture
def instagram(shop):
    return _connection(shop, "instagram", payloads.IG_ID)


@pytest.fixture
def whatsapp(shop):
    return _connection(shop, "whatsapp", payloads.PHONE_ID)


def signed(body: bytes, secret: str = SECRET) -> str:
    return signature.expected(secret, body)


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    """POST a body to a connection's webhook URL, signed, and run what follows the commit
    (processing, sending) as the worker would."""

    def post(connection, body, *, sig=None, execute=True):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"HTTP_X_HUB_SIGNATURE_256": signed(raw) if sig is None else sig}
        url = f"/hooks/meta/{connection.webhook_key}/"
        with django_capture_on_commit_callbacks(execute=execute):
            return client.post(url, raw, content_type="application/json", **headers)

    return post
