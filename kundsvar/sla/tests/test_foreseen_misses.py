"""Rule A4: a promise the queue shows will be missed is escalated, and the customer gets
one honest "we need until …" email before the promise passes, never after."""

from datetime import date, datetime, time, timedelta
from email import message_from_bytes
from email import policy as email_policy
from zoneinfo import ZoneInfo

import pytest

from kundsvar.cases.models import CaseEvent, EventKind, SlaState
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.channels.email.models import OutboundEmail
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.sla.models import DelayNotice
from kundsvar.sla.services import foresee_misses
from kundsvar.staffing import services as staffing

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")
MONDAY = date(2026, 11, 23)


def local(*args):
    return datetime(*args, tzinfo=STHLM)


@pytest.fixture
def shop():
    """Two agents Mon–Fri 08–17 took 40 questions on Monday morning; then one calls in sick."""
    shop = ShopFactory()
    agents = [AgentFactory(shops=[shop]) for _ in range(2)]
    for agent in agents:
        for day in range(5):
            staffing.add_shift(shop, agent, day, time(8), time(17))
    for i in range(40):
        open_email_case(shop, local(2026, 11, 23, 8, 0) + timedelta(minutes=i), sender=f"k{i}@e.se")
    staffing.set_exception(shop, agents[1], MONDAY, note="Sjuk")
    return shop


def notices():
    return OutboundEmail.objects.filter(subject__contains="Vi behöver lite mer tid")


def test_a_foreseen_miss_is_escalated_and_the_customer_told_before(shop):  # A4
    counts = foresee_misses(local(2026, 11, 23, 9, 0))
    assert counts["escalated"] > 0
    assert counts["mailed"] == counts["escalated"]
    notice = DelayNotice.objects.order_by("due_at").first()
    case = notice.case
    assert notice.new_due_at > notice.due_at
    case.refresh_from_db()
    assert case.sla_state == SlaState.AT_RISK
    assert CaseEvent.objects.filter(case=case, kind=EventKind.AT_RISK).exists()
    row = notices().get(case=case)
    mail = message_from_bytes(bytes(row.mime), policy=email_policy.default)
    text = mail.get_body(("plain",)).get_content()
    assert "Det hinner vi inte: just nu skriver många kunder till oss." in text
    assert "Vi behöver tid till måndag 23 november" in text or "Vi behöver tid till tisdag" in text
    # One agent at 6 an hour cannot answer 40 questions by Monday 14:00-ish: the last
    # ones are told, the first ones (answered in time) are not.
    assert DelayNotice.objects.count() < 40


def test_once_per_promise_however_often_the_sweep_runs(shop):  # A4
    first = foresee_misses(local(2026, 11, 23, 9, 0))
    again = foresee_misses(local(2026, 11, 23, 9, 1))
    assert again == {"escalated": 0, "mailed": 0}
    assert notices().count() == first["mailed"]


def test_never_after_the_promise_or_without_the_shop_wanting_it(shop):  # A4
    staffing.save_settings(shop, delay_notice=False)
    counts = foresee_misses(local(2026, 11, 23, 9, 0))
    assert counts["escalated"] > 0 and counts["mailed"] == 0
    assert not notices().exists()


def test_too_close_to_the_promise_escalates_without_mail(shop):  # A4
    # 5 minutes before the first promises (14:00): too late to tell those in time (10 min).
    counts = foresee_misses(local(2026, 11, 23, 13, 55))
    assert counts["escalated"] > 0
    soon = DelayNotice.objects.filter(due_at__lt=local(2026, 11, 23, 14, 5))
    assert soon.exists() and not soon.filter(mailed=True).exists()


def test_a_shop_without_shifts_foresees_nothing():  # A4
    shop = ShopFactory()
    for i in range(40):
        open_email_case(shop, local(2026, 11, 23, 8, 0) + timedelta(minutes=i), sender=f"k{i}@e.se")
    assert foresee_misses(local(2026, 11, 23, 9, 0)) == {"escalated": 0, "mailed": 0}
