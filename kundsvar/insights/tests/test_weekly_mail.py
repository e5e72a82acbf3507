"""The weekly report mail (issue #13, S4): an admin opts in on the overview; on Monday
morning in the shop's time the worker's task queues last week's figures through the
shared outbox (insights never imports the email channel), once, in the admin's own
language. The clock is fixed: the known cases' week of Monday 23 November 2026."""

import email
import email.policy
from datetime import UTC, datetime

import pytest
from django.core import mail

from kundsvar.accounts.models import Membership, Role
from kundsvar.insights import rollups, services, tasks
from kundsvar.insights.models import WeeklyMail

pytestmark = pytest.mark.django_db
# Monday 30 November 2026 in Stockholm (UTC+1): 06:59 and 07:00.
BEFORE_SEVEN = datetime(2026, 11, 30, 5, 59, tzinfo=UTC)
AT_SEVEN = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def _sent(django_capture_on_commit_callbacks) -> list:
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_weekly_reports.enqueue()
    return [email.message_from_bytes(m.message().as_bytes(), policy=email.policy.default)
            for m in mail.outbox]  # fmt: skip


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


@pytest.fixture
def subscribed(client, owner, shop, known):
    owner.email = "olle@nordljus.example"
    owner.save(update_fields=["email"])
    client.force_login(owner)
    response = client.post("/insights/reports/nordljus/weekly-mail/", {"on": "1"})
    assert response.status_code == 302
    assert WeeklyMail.objects.filter(agent=owner, shop=shop).exists()
    return owner


def test_last_weeks_figures_go_out_on_monday_at_seven_once(
    subscribed, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(BEFORE_SEVEN, tick=False)
    rollups.rebuild()
    assert _sent(django_capture_on_commit_callbacks) == []  # asked on Thursday: not yet
    time_machine.move_to(AT_SEVEN, tick=False)
    [message] = _sent(django_capture_on_commit_callbacks)
    assert message["To"].addresses[0].addr_spec == "olle@nordljus.example"
    assert message["Subject"] == "Nordljus: customer service 23 November – 29 November 2026"
    assert message["Auto-Submitted"] == "auto-generated"
    text = _text(message)
    # The week of 23 November: A, C and D are new (B came on Sunday the 22nd, the week
    # before); four answers (B, C, A and A's follow-up); one good and one bad rating.
    assert "New questions: 3 (week before: 1)" in text
    assert "Answers: 4 (week before: 0)" in text
    assert "Promise kept: 100 %" in text
    assert "Satisfaction (CSAT): 50 %" in text
    assert "/insights/reports/nordljus/?period=custom&start=2026-11-23&end=2026-11-29" in text
    assert 'href="http' in _html(message) and "<table" in _html(message)
    mail.outbox.clear()
    assert _sent(django_capture_on_commit_callbacks) == []  # the next run: already sent
    assert services.send_weekly_reports(now=AT_SEVEN) == 0


def test_in_the_admins_language(subscribed, time_machine, django_capture_on_commit_callbacks):
    subscribed.language = "sv"
    subscribed.save(update_fields=["language"])
    time_machine.move_to(AT_SEVEN, tick=False)
    rollups.rebuild()
    [message] = _sent(django_capture_on_commit_callbacks)
    assert message["Subject"] == "Nordljus: kundtjänst 23 november – 29 november 2026"
    assert "Nya frågor: 3 (veckan före: 1)" in _text(message)


def test_turned_off_or_no_longer_admin_nothing_goes_out(
    client, subscribed, shop, time_machine, django_capture_on_commit_callbacks
):
    client.post("/insights/reports/nordljus/weekly-mail/", {"on": "0"})
    assert not WeeklyMail.objects.exists()
    client.post("/insights/reports/nordljus/weekly-mail/", {"on": "1"})
    Membership.objects.filter(agent=subscribed, shop=shop).update(role=Role.AGENT)
    time_machine.move_to(AT_SEVEN, tick=False)
    assert _sent(django_capture_on_commit_callbacks) == []


def test_only_admins_may_ask_for_it(client, anna, known):
    client.force_login(anna)
    assert client.post("/insights/reports/nordljus/weekly-mail/", {"on": "1"}).status_code == 403
    assert client.get("/insights/reports/nordljus/weekly-mail/").status_code == 405
    assert not WeeklyMail.objects.exists()
