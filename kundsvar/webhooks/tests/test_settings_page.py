"""Settings → Webhooks: add an endpoint (the signing secret shown once), "send test event"
reaches a real receiver signed, and the delivery log shows a failure that "send again"
delivers."""

import re

import pytest
from django.urls import reverse

from kundsvar.shops.tests.factories import ShopFactory, admin_client
from kundsvar.webhooks import services
from kundsvar.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


@pytest.fixture
def shop():
    return ShopFactory()


@pytest.fixture
def admin(shop):
    return admin_client(shop)


def test_add_endpoint_test_event_log_and_send_again(
    admin, shop, receiver, django_capture_on_commit_callbacks
):
    url = reverse("settings:webhooks", args=[shop.slug])
    added = admin.post(
        url, {"action": "add", "url": receiver.url, "events": ["case.created", "case.closed"]}
    ).content.decode()
    endpoint = WebhookEndpoint.objects.get(shop=shop)
    assert endpoint.events == ["case.created", "case.closed"]
    assert endpoint.secret in added
    assert endpoint.secret not in admin.get(url).content.decode()  # shown once

    receiver.answers = [503]
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(url, {"action": "test", "endpoint": endpoint.pk})
    delivery = WebhookDelivery.objects.get(endpoint=endpoint, event="test")
    assert (delivery.state, delivery.last_status_code) == (DeliveryState.QUEUED, 503)
    log = admin.get(url).content.decode()
    assert re.search(r"test</td>.*?503", log, re.S)

    with django_capture_on_commit_callbacks(execute=True):
        admin.post(url, {"action": "retry", "delivery": delivery.pk})
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
    last = receiver.requests[-1]
    assert last.json["event"] == "test"
    assert last.headers["X-Kundsvar-Signature"] == services.signature(endpoint.secret, last.body)


def test_a_test_event_is_never_fired_by_a_case_change(shop, receiver):
    endpoint = services.add_endpoint(shop, receiver.url, ["case.created"])
    assert "test" not in endpoint.events
    with pytest.raises(Exception, match="events"):
        services.add_endpoint(shop, receiver.url, ["test"])


def test_other_shops_endpoints_are_not_touched(admin, shop, receiver):
    other = services.add_endpoint(ShopFactory(), receiver.url, ["case.created"])
    url = reverse("settings:webhooks", args=[shop.slug])
    assert admin.post(url, {"action": "delete", "endpoint": other.pk}).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=other.pk).exists()
