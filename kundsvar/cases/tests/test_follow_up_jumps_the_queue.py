from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kundsvar.cases import queries, services
from kundsvar.cases.models import CaseEvent, EventKind, Status
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

from .factories import open_email_case, write_again

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


def local(*args):
    return datetime(*args, tzinfo=STHLM)


@pytest.fixture
def shop():
    return ShopFactory()


@pytest.fixture
def agent(shop):
    return AgentFactory(shops=[shop])


def test_follow_up_jumps_ahead_of_older_first_contacts(shop, agent):  # S3, S2
    older = [
        open_email_case(shop, local(2026, 11, 23, 9, m), sender=f"k{m}@example.se")
        for m in range(0, 30, 10)
    ]
    answered = open_email_case(shop, local(2026, 11, 23, 8, 30), sender="anna@example.se")
    services.reply(answered, agent, "Din jacka skickas i dag.", now=local(2026, 11, 23, 9, 40))
    write_again(answered, local(2026, 11, 23, 10, 0), "Vilket kollinummer har paketet?")

    order = list(queries.queue(agent, "open").values_list("pk", flat=True))
    assert order[0] == answered.pk
    assert order[1:] == [c.pk for c in older]
    answered.refresh_from_db()
    assert answered.is_follow_up
    assert answered.status == Status.OPEN
    assert answered.due_at == local(2026, 11, 23, 12, 0)  # 2 working hours
    assert CaseEvent.objects.filter(case=answered, kind=EventKind.FOLLOW_UP).exists()


def test_at_equal_deadline_the_follow_up_comes_first(shop, agent):  # S3
    # 6 working hours from 08:00 and 2 from 12:00 both end at 14:00.
    first_contact = open_email_case(shop, local(2026, 11, 23, 8, 0), sender="a@example.se")
    follow = open_email_case(shop, local(2026, 11, 20, 9, 0), sender="b@example.se")
    services.reply(follow, agent, "Svar", now=local(2026, 11, 20, 10, 0))
    write_again(follow, local(2026, 11, 23, 12, 0))
    follow.refresh_from_db()
    assert follow.due_at == first_contact.due_at == local(2026, 11, 23, 14, 0)
    assert list(queries.queue(agent, "open"))[:2] == [follow, first_contact]


def test_another_message_before_any_answer_keeps_the_promise(shop):  # S1
    case = open_email_case(shop, local(2026, 11, 23, 9, 0))
    write_again(case, local(2026, 11, 23, 9, 5), "Glömde: ordernummer 1234.")
    case.refresh_from_db()
    assert case.due_at == local(2026, 11, 23, 15, 0)
    assert not case.is_follow_up
    assert case.messages.count() == 2


def test_a_closed_case_reopens_when_the_customer_writes_again(shop, agent):  # F1, S3
    case = open_email_case(shop, local(2026, 11, 23, 9, 0))
    services.reply(case, agent, "Klart!", then=Status.CLOSED, now=local(2026, 11, 23, 9, 30))
    write_again(case, local(2026, 11, 23, 13, 0), "Det fungerade inte ändå.")
    case.refresh_from_db()
    assert case.status == Status.OPEN
    assert case.closed_at is None
    assert case.due_at == local(2026, 11, 23, 15, 0)


def test_a_case_set_to_waiting_without_a_reply_owes_an_answer_again(shop, agent):
    case = open_email_case(shop, local(2026, 11, 23, 9, 0))
    services.change_status(case, Status.WAITING, actor=agent, now=local(2026, 11, 23, 9, 10))
    write_again(case, local(2026, 11, 23, 10, 0))
    case.refresh_from_db()
    assert case.status == Status.NEW
    assert not case.is_follow_up
    assert case.due_at == local(2026, 11, 23, 16, 0)


def test_cases_closed_long_ago_do_not_take_follow_ups(shop, agent):
    case = open_email_case(shop, local(2026, 9, 1, 9, 0))
    services.reply(case, agent, "Klart", then=Status.CLOSED, now=local(2026, 9, 1, 10, 0))
    case.refresh_from_db()
    assert services.accepts_follow_ups(case, local(2026, 9, 20, 9, 0))
    assert not services.accepts_follow_ups(case, local(2026, 9, 1, 10, 0) + timedelta(days=31))
