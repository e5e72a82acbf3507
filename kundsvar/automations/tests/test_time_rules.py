"""Time conditions, evaluated by the worker every minute (ops.schedule): with a frozen
clock, a rule fires within 60 s of its condition becoming true, and once per event. The
suggested rules: a reminder after 3 days waiting, closing after 7 with a last friendly
mail, escalating unassigned cases at 80 % of their time (T3: every automatic reply says
how to reach a person)."""

from datetime import timedelta

import pytest
from django.utils.module_loading import import_string

from kundsvar.automations import engine, services
from kundsvar.automations.models import Rule, Trigger
from kundsvar.cases import services as cases
from kundsvar.cases.models import CaseEvent, Direction, EventKind, Priority, Status
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.ops.schedule import SCHEDULE
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def shop():
    return ShopFactory(name="Nordjacka", phone="08-123 456 00")


def _waiting_case(shop, at):
    case = open_email_case(shop, at, text="Hej! Var är min jacka? /Karin Ek", from_name="Karin Ek")
    agent = AgentFactory(shops=[shop])
    cases.reply(case, agent, "Kan du skicka ordernumret?", then=Status.WAITING, now=at)
    return case


def _worker_tick():
    """What `kundsvar worker` enqueues for the time conditions (the test backend runs it
    at once)."""
    (job,) = [j for j in SCHEDULE if j.task.endswith("automations.tasks.run_time_rules")]
    assert job.every_seconds <= 60
    import_string(job.task).enqueue()


def test_auto_close_fires_within_a_minute_of_seven_days_waiting(shop, now, time_machine):
    services.seed_rules(shop)
    case = _waiting_case(shop, now)
    true_at = now + timedelta(days=7)
    time_machine.move_to(true_at - timedelta(seconds=1), tick=False)
    _worker_tick()
    case.refresh_from_db()
    assert case.status == Status.WAITING  # 3-day reminder only
    time_machine.move_to(true_at + timedelta(seconds=59), tick=False)  # the next tick
    _worker_tick()
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert true_at <= case.closed_at < true_at + timedelta(seconds=60)
    last = case.messages.filter(direction=Direction.OUTBOUND).order_by("-id").first()
    assert "stänger vi ärende" in last.body_text and "Hej Karin!" in last.body_text
    assert "Vill du hellre prata med en person?" in last.body_text  # T3
    assert "ring oss på 08-123 456 00" in last.body_text
    time_machine.move_to(true_at + timedelta(minutes=5), tick=False)
    _worker_tick()  # once per event: no second goodbye
    assert case.messages.filter(direction=Direction.OUTBOUND).count() == 3


def test_the_reminder_after_three_days_keeps_the_case_waiting(shop, now, time_machine):
    services.seed_rules(shop)
    case = _waiting_case(shop, now)
    time_machine.move_to(now + timedelta(days=3, seconds=30), tick=False)
    _worker_tick()
    _worker_tick()
    case.refresh_from_db()
    reminders = case.messages.filter(direction=Direction.OUTBOUND, author__isnull=True)
    assert reminders.count() == 1
    assert "väntar fortfarande på ditt svar" in reminders.get().body_text
    assert case.status == Status.WAITING
    audit = CaseEvent.objects.get(case=case, kind=EventKind.AUTOMATION)
    assert audit.data["action"] == "reply" and audit.data["sent"] is True


def test_a_customer_who_answers_stops_the_clock(shop, now, time_machine):
    services.seed_rules(shop)
    case = _waiting_case(shop, now)
    cases.add_inbound_message(
        case,
        cases.Inbound(
            from_address="kund@example.se",
            body_text="Order 1234",
            received_at=now + timedelta(days=2),
        ),
    )
    time_machine.move_to(now + timedelta(days=8), tick=False)
    _worker_tick()
    case.refresh_from_db()
    assert case.status == Status.NEW or case.status == Status.OPEN


def test_unassigned_cases_escalate_at_80_percent_of_their_time(shop, now, time_machine):
    services.seed_rules(shop)
    case = open_email_case(shop, now)
    at = case.owed_since + (case.due_at - case.owed_since) * 0.8
    time_machine.move_to(at - timedelta(minutes=1), tick=False)
    _worker_tick()
    case.refresh_from_db()
    assert case.priority == Priority.NORMAL
    time_machine.move_to(at + timedelta(seconds=30), tick=False)
    _worker_tick()
    case.refresh_from_db()
    assert case.priority == Priority.URGENT
    assert case.messages.filter(direction=Direction.NOTE).count() == 1


def test_due_soon_and_closed_ago(shop, now):
    soon = Rule.objects.create(
        shop=shop, name="Snart", trigger=Trigger.DUE_SOON, amount=30, actions={"tags": ["snart"]}
    )
    closed = Rule.objects.create(
        shop=shop, name="Enkät", trigger=Trigger.CLOSED_AGO, amount=7, actions={"tags": ["enkät"]}
    )
    owed = open_email_case(shop, now)
    done = open_email_case(shop, now, sender="bo@example.se")
    cases.change_status(done, Status.CLOSED, now=now)
    assert engine.dry_run(soon, owed.due_at - timedelta(minutes=31)) == []
    assert engine.dry_run(soon, owed.due_at - timedelta(minutes=29)) == [owed]
    assert engine.dry_run(closed, now + timedelta(days=6)) == []
    assert engine.dry_run(closed, now + timedelta(days=7, minutes=1)) == [done]
    assert engine.sweep(now + timedelta(days=7, minutes=1)) >= 1
    assert [t.name for t in done.tags.all()] == ["enkät"]


def test_suggesting_the_rules_twice_adds_them_once(shop):
    assert len(services.seed_rules(shop)) == 3
    assert services.seed_rules(shop) == []
    assert Rule.objects.filter(shop=shop).count() == 3


def test_a_case_waiting_long_past_both_rules_gets_only_the_goodbye(shop, now, time_machine):
    services.seed_rules(shop)
    case = _waiting_case(shop, now)
    time_machine.move_to(now + timedelta(days=8), tick=False)
    _worker_tick()
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    sent = case.messages.filter(direction=Direction.OUTBOUND, author__isnull=True)
    assert [("stänger vi" in m.body_text) for m in sent] == [True]
