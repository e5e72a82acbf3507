"""Per-shop retention: raw mail past its days and cases closed past their months go, the
settings page shows what the next run would remove, and the worker runs it daily. Mail
not yet processed, recent cases and other shops are untouched."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kundsvar.cases.models import Case, Status
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.channels.email import rawstore
from kundsvar.channels.email.models import RawMessage, RawState
from kundsvar.ops import gdpr, retention
from kundsvar.ops.models import RetentionPolicy
from kundsvar.ops.schedule import SCHEDULE
from kundsvar.shops.tests.factories import ShopFactory, admin_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


@pytest.fixture(autouse=True)
def _var_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def raw(shop, age: timedelta, state=RawState.PROCESSED, text=b"Subject: x\r\n\r\nhej") -> str:
    sha = rawstore.put(text + str(age).encode())
    RawMessage.objects.create(
        sha256=sha, size=10, source="http", shop=shop, received_at=timezone.now() - age, state=state
    )
    return sha


def closed_case(shop, age: timedelta, channel="email") -> Case:
    case = open_email_case(
        shop, timezone.now() - age - timedelta(days=1), text="Mitt namn är Karin"
    )
    Case.objects.filter(pk=case.pk).update(
        status=Status.CLOSED, closed_at=timezone.now() - age, channel=channel
    )
    return case


def test_preview_then_apply_removes_only_what_is_due():
    shop, other = ShopFactory(), ShopFactory()
    old_raw = raw(shop, timedelta(days=100))
    young_raw = raw(shop, timedelta(days=10))
    waiting = raw(shop, timedelta(days=200), state=RawState.FAILED)  # A6: never dropped
    raw(other, timedelta(days=400))
    old_case = closed_case(shop, timedelta(days=25 * 30))
    young_case = closed_case(shop, timedelta(days=30))
    old_chat = closed_case(shop, timedelta(days=13 * 30), channel="chat")
    policy = RetentionPolicy.objects.create(
        shop=shop, raw_mail_days=90, closed_case_months=24, chat_months=12
    )
    assert retention.preview(policy) == {"raw_mail": 1, "cases": 2}
    counts = retention.apply(policy)
    assert (counts["raw_mail"], counts["cases"]) == (1, 2)
    assert not rawstore.path_for(old_raw).exists()
    assert set(RawMessage.objects.values_list("sha256", flat=True)) >= {young_raw, waiting}
    assert RawMessage.objects.filter(shop=other).count() == 1
    erased = set(Case.objects.filter(subject=gdpr.ERASED).values_list("pk", flat=True))
    assert erased == {old_case.pk, old_chat.pk}
    assert "Karin" not in " ".join(old_case.messages.values_list("body_text", flat=True))
    assert "Karin" in young_case.messages.get().body_text
    assert retention.preview(policy) == {"raw_mail": 0, "cases": 0}  # idempotent


def test_the_settings_page_saves_the_rules_and_shows_the_preview():
    shop = ShopFactory()
    closed_case(shop, timedelta(days=800))
    admin = admin_client(shop)
    url = reverse("settings:retention", args=[shop.slug])
    admin.post(url, {"raw_mail_days": "90", "closed_case_months": "24", "chat_months": ""})
    policy = RetentionPolicy.objects.get(shop=shop)
    assert (policy.raw_mail_days, policy.closed_case_months, policy.chat_months) == (90, 24, None)
    page = admin.get(url).content.decode()
    assert 'id="preview"' in page and ": 1</li>" in page


def test_the_worker_applies_retention_daily():
    assert [p.every_seconds for p in SCHEDULE if p.task.endswith("apply_retention")] == [86400]
