"""A webhook body is kept before anything reads it, processed after commit, retried when
processing fails and shown as failed after the last attempt: nothing is lost (A6)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from kundsvar.accounts.models import Membership, Role
from kundsvar.channels.hooks import services
from kundsvar.channels.hooks.models import HookState, InboundHook
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SEEN: list[bytes] = []


def remember(hook):
    SEEN.append(bytes(hook.body))


def explode(hook):
    raise ValueError("cannot read this body")


@pytest.fixture(autouse=True)
def _clear():
    SEEN.clear()


def stored(processor="remember", external_id="", body=b"from=%2B46701234567&message=Hej"):
    return services.store(
        provider="46elks",
        kind="sms",
        shop=ShopFactory(),
        body=body,
        external_id=external_id,
        content_type="application/x-www-form-urlencoded",
        processor=f"{__name__}.{processor}",
        now=T0,
    )


@pytest.mark.django_db
@time_machine.travel(T0, tick=False)
def test_a_body_is_processed_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hook, created = stored()
    assert created
    hook.refresh_from_db()
    assert SEEN == [b"from=%2B46701234567&message=Hej"]
    assert hook.state == HookState.DONE and hook.attempts == 1


@pytest.mark.django_db
@time_machine.travel(T0, tick=False)
def test_a_redelivered_event_is_one_row_processed_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = stored(external_id="s70df59406a1b4643b96f3f91e0bfb7b0")
    with django_capture_on_commit_callbacks(execute=True):
        again, created = stored(external_id="s70df59406a1b4643b96f3f91e0bfb7b0")
    assert not created and again.pk == first.pk
    assert InboundHook.objects.count() == 1 and len(SEEN) == 1


@pytest.mark.django_db
def test_a_failing_body_is_kept_retried_and_finally_shown_as_failed():
    hook, _ = stored(processor="explode")
    now = T0
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        result = services.process(hook.pk, now)
        hook.refresh_from_db()
        assert hook.attempts == attempt
        assert "cannot read this body" in hook.last_error
        if attempt < services.MAX_ATTEMPTS:
            assert result == "retry" and hook.state == HookState.PENDING
            assert services.process(hook.pk, now) == "skipped"  # not due before its pause
            now = hook.next_attempt_at
    assert hook.state == HookState.FAILED and bytes(hook.body).startswith(b"from=")
    services.retry(hook, now)
    hook.refresh_from_db()
    assert hook.state == HookState.PENDING and hook.attempts == 0


@pytest.mark.django_db
def test_a_worker_that_died_mid_run_gives_the_row_back_after_its_lease():
    hook, _ = stored()
    assert services.claim(hook.pk, T0) is not None  # a worker took it, then died
    assert services.process_due(T0 + timedelta(minutes=1)) == 0  # leased: left alone
    assert services.process_due(T0 + services.LEASE + timedelta(seconds=1)) == 1
    assert SEEN == [b"from=%2B46701234567&message=Hej"]


@pytest.mark.django_db
def test_the_shop_admin_sees_what_could_not_be_read_and_retries_it(client):
    hook, _ = stored(processor="explode")
    InboundHook.objects.filter(pk=hook.pk).update(
        state=HookState.FAILED, attempts=6, last_error="ValueError: cannot read this body"
    )
    admin, agent = AgentFactory(), AgentFactory(shops=[hook.shop])
    Membership.objects.create(agent=admin, shop=hook.shop, role=Role.ADMIN)
    url = reverse("settings:inbound_events", args=[hook.shop.slug])

    client.force_login(agent)
    assert client.get(url).status_code == 403
    assert client.post(url, {"hook": hook.pk}).status_code == 403

    client.force_login(admin)
    page = client.get(url).content.decode()
    assert "ValueError: cannot read this body" in page and "46elks sms" in page
    client.post(url, {"hook": hook.pk})
    hook.refresh_from_db()
    assert hook.state == HookState.PENDING and hook.attempts == 0
    other_admin = AgentFactory()
    Membership.objects.create(agent=other_admin, shop=ShopFactory(), role=Role.ADMIN)
    client.force_login(other_admin)
    assert client.get(url).status_code == 404
