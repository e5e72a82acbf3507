"""The case's language: detected when the case opens, kept for follow-ups, changed by an
agent (issue #10, rule R7). Acknowledgement, replies and pages follow it."""

from datetime import UTC, datetime, timedelta

import pytest

from kundsvar.cases import services
from kundsvar.cases.models import CaseEvent, EventKind
from kundsvar.cases.tests.factories import open_email_case, write_again
from kundsvar.channels.email.models import OutboundEmail, OutboundKind
from kundsvar.channels.email.tests.mails import parsed_outbound
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DANISH = "Hej, jeg har ikke fået min jakke endnu. Hvornår kommer den?"


@pytest.fixture
def shop():
    return ShopFactory(name="Nätbutiken")


@pytest.fixture
def agent(shop):
    return AgentFactory(shops=[shop], first_name="Anna")


def test_a_follow_up_in_another_language_keeps_the_case_language(shop):  # R7
    case = open_email_case(shop, T0, subject="Min jakke", text=DANISH)
    write_again(
        case,
        T0 + timedelta(hours=1),
        text="Sorry, I will write in English: where is my jacket? It is late.",
    )
    case.refresh_from_db()
    assert case.language == "da"


def test_the_next_short_case_of_a_customer_takes_their_language(shop):  # R7
    first = open_email_case(shop, T0, subject="Min jakke", text=DANISH)
    second = open_email_case(
        shop, T0 + timedelta(days=40), sender=first.customer.primary_email, subject="", text="Tak!"
    )
    assert second.language == "da"


def test_an_agent_changes_the_language_with_an_audit_event(shop, agent):  # R7
    case = open_email_case(shop, T0)
    services.set_language(case, "nb", actor=agent, now=T0 + timedelta(minutes=5))
    case.refresh_from_db()
    assert case.language == "nb"
    assert case.customer.language == "nb"  # their next short text falls back to it
    event = CaseEvent.objects.get(case=case, kind=EventKind.LANGUAGE)
    assert (event.actor, event.data) == (agent, {"old": "sv", "new": "nb"})
    services.set_language(case, "nb", actor=agent)  # no change, no event
    assert CaseEvent.objects.filter(case=case, kind=EventKind.LANGUAGE).count() == 1


def test_only_languages_we_answer_in(shop, agent):
    case = open_email_case(shop, T0)
    with pytest.raises(services.CaseError):
        services.set_language(case, "de", actor=agent)


def test_the_reply_follows_the_language_the_agent_set(shop, agent):  # R7
    case = open_email_case(
        shop,
        T0,
        sender="mette@example.dk",
        subject="Leveranstid jacka",
        text="Hej! När kommer min jacka? Ordernummer 100231.",
    )
    assert case.language == "sv"
    services.set_language(case, "da", actor=agent)
    services.reply(case, agent, "Hej Mette! Jakken sendes i dag.", now=T0 + timedelta(hours=1))
    sent = parsed_outbound(OutboundEmail.objects.get(case=case, kind=OutboundKind.REPLY))
    assert sent["Subject"].startswith("Nätbutiken: Svar på dit spørgsmål")


def test_the_case_page_changes_the_language(client, shop, agent):  # R7
    case = open_email_case(shop, T0)
    client.force_login(agent)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert f'action="/cases/{case.number}/language/"' in page
    response = client.post(f"/cases/{case.number}/language/", {"language": "en"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.language == "en"


def test_an_agent_of_another_shop_cannot_change_the_language(client, shop):
    case = open_email_case(shop, T0)
    client.force_login(AgentFactory(shops=[ShopFactory(slug="annan")]))
    assert client.post(f"/cases/{case.number}/language/", {"language": "en"}).status_code == 404
    case.refresh_from_db()
    assert case.language == "sv"


def test_a_known_customer_without_a_language_gets_the_detected_one(shop):  # R7
    from kundsvar.customers.services import find_or_create_customer

    customer = find_or_create_customer(shop, "mette@example.dk", "Mette")  # from an order
    assert customer.language == ""
    open_email_case(shop, T0, sender="mette@example.dk", subject="Min jakke", text=DANISH)
    customer.refresh_from_db()
    assert customer.language == "da"
