from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kundsvar.cases import services
from kundsvar.cases.models import CaseEvent, Direction, EventKind, SlaState, Status
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

from .factories import open_email_case

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


def test_reply_in_time_is_measured_as_kept(shop, agent):  # S4
    case = open_email_case(shop, local(2026, 11, 23, 9, 0))
    message = services.reply(
        case, agent, "Hej! Jackan skickas i dag.", now=local(2026, 11, 23, 10, 0)
    )
    case.refresh_from_db()
    assert message.direction == Direction.OUTBOUND
    assert message.from_address == shop.email  # R1
    assert case.status == Status.ANSWERED
    assert case.first_response_at == local(2026, 11, 23, 10, 0)
    assert case.due_at is None and case.sla_state == SlaState.NONE
    event = CaseEvent.objects.get(case=case, kind=EventKind.REPLIED)
    assert event.data["kept"] is True and event.data["first"] is True


def test_late_reply_is_measured_as_broken(shop, agent):  # S4
    case = open_email_case(shop, local(2026, 11, 23, 9, 0))
    services.reply(case, agent, "Förlåt dröjsmålet.", now=local(2026, 11, 24, 9, 0))
    assert CaseEvent.objects.get(case=case, kind=EventKind.REPLIED).data["kept"] is False


def test_second_reply_keeps_the_first_response_time(shop, agent):
    case = open_email_case(shop, local(2026, 11, 23, 9, 0))
    services.reply(case, agent, "Ett", now=local(2026, 11, 23, 10, 0))
    services.reply(case, agent, "Två", then=Status.CLOSED, now=local(2026, 11, 23, 11, 0))
    case.refresh_from_db()
    assert case.first_response_at == local(2026, 11, 23, 10, 0)
    assert case.last_response_at == local(2026, 11, 23, 11, 0)
    assert case.status == Status.CLOSED and case.closed_at == local(2026, 11, 23, 11, 0)


def test_empty_reply_is_refused_and_nothing_changes(shop, agent):
    case = open_email_case(shop, local(2026, 11, 23, 9, 0))
    with pytest.raises(services.CaseError):
        services.reply(case, agent, "   ")
    case.refresh_from_db()
    assert case.due_at is not None and case.messages.count() == 1


def test_a_note_is_internal_and_does_not_answer(shop, agent):
    case = open_email_case(shop, local(2026, 11, 23, 9, 0))
    note = services.add_note(case, agent, "Kolla med lagret.", now=local(2026, 11, 23, 9, 30))
    case.refresh_from_db()
    assert note.direction == Direction.NOTE
    assert case.due_at is not None and case.first_response_at is None


def test_assign_only_to_someone_who_works_for_the_shop(shop, agent):
    case = open_email_case(shop, local(2026, 11, 23, 9, 0))
    services.assign(case, agent, actor=agent)
    case.refresh_from_db()
    assert case.assignee == agent
    assert CaseEvent.objects.get(case=case, kind=EventKind.ASSIGNED).data["new"] == agent.pk
    stranger = AgentFactory(shops=[ShopFactory()])
    with pytest.raises(services.CaseError):
        services.assign(case, stranger)
    case.refresh_from_db()
    assert case.assignee == agent


def test_status_change_to_waiting_clears_the_promise(shop, agent):
    case = open_email_case(shop, local(2026, 11, 23, 9, 0))
    services.change_status(case, Status.WAITING, actor=agent)
    case.refresh_from_db()
    assert case.due_at is None
    event = CaseEvent.objects.get(case=case, kind=EventKind.STATUS)
    assert event.data == {"old": "new", "new": "waiting"}  # codes, never labels


def test_unknown_status_is_refused(shop):
    case = open_email_case(shop, local(2026, 11, 23, 9, 0))
    with pytest.raises(services.CaseError):
        services.change_status(case, "deleted")
