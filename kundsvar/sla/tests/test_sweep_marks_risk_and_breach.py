from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kundsvar.cases import services
from kundsvar.cases.models import CaseEvent, EventKind, SlaState
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.sla.services import sweep

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


def local(*args):
    return datetime(*args, tzinfo=STHLM)


def test_at_80_percent_of_the_time_the_case_is_at_risk():  # S2
    case = open_email_case(ShopFactory(), local(2026, 11, 23, 9, 0))  # due 15:00
    assert case.at_risk_at == local(2026, 11, 23, 13, 48)  # 80 % of 6 h
    assert sweep(local(2026, 11, 23, 13, 47)) == {"at_risk": 0, "breached": 0}
    assert sweep(local(2026, 11, 23, 13, 48)) == {"at_risk": 1, "breached": 0}
    case.refresh_from_db()
    assert case.sla_state == SlaState.AT_RISK


def test_past_due_is_breached_once_however_often_the_sweep_runs():  # S2
    case = open_email_case(ShopFactory(), local(2026, 11, 23, 9, 0))
    assert sweep(local(2026, 11, 23, 15, 1)) == {"at_risk": 0, "breached": 1}
    assert sweep(local(2026, 11, 23, 15, 2)) == {"at_risk": 0, "breached": 0}
    assert CaseEvent.objects.filter(case=case, kind=EventKind.BREACHED).count() == 1
    case.refresh_from_db()
    assert case.sla_state == SlaState.BREACHED


def test_answered_cases_are_never_marked():  # S2
    shop = ShopFactory()
    case = open_email_case(shop, local(2026, 11, 23, 9, 0))
    services.reply(case, AgentFactory(shops=[shop]), "Svar", now=local(2026, 11, 23, 9, 30))
    assert sweep(local(2026, 11, 25, 9, 0)) == {"at_risk": 0, "breached": 0}


def test_a_follow_up_after_a_breach_gets_a_fresh_promise():  # S3
    shop = ShopFactory()
    case = open_email_case(shop, local(2026, 11, 23, 9, 0))
    sweep(local(2026, 11, 23, 16, 0))
    services.reply(case, AgentFactory(shops=[shop]), "Svar", now=local(2026, 11, 23, 16, 5))
    services.add_inbound_message(
        case,
        services.Inbound(
            from_address="kund@example.se",
            body_text="Tack, men...",
            received_at=local(2026, 11, 24, 9, 0),
        ),
    )
    case.refresh_from_db()
    assert case.sla_state == SlaState.OK
    assert case.due_at == local(2026, 11, 24, 11, 0)
