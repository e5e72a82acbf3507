"""Rules R1–R4 on the email the customer gets, and F1 for the rating links in it."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from kundsvar.cases import services
from kundsvar.cases.models import Status
from kundsvar.channels.email import pipeline
from kundsvar.channels.email.models import OutboundEmail, OutboundKind
from kundsvar.feedback.models import Rating
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

from .mails import SHOP_ADDRESS, mail, parsed_outbound

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def answered():
    shop = ShopFactory(name="Nätbutiken", email=SHOP_ADDRESS)
    agent = AgentFactory(shops=[shop], first_name="Anna")
    row = pipeline.receive(
        mail(message_id="<q1@example.se>", references="<older@example.se>"),
        shop=shop,
        source="smtp",
        received_at=T0,
    )
    case = row.case_message.case
    services.reply(
        case, agent, "Hej Karin!\n\nJackan skickas i dag med PostNord.", now=T0 + timedelta(hours=1)
    )
    return case, OutboundEmail.objects.get(case=case, kind=OutboundKind.REPLY)


def test_the_reply_follows_the_rules(answered):  # R1, R2, R3, R4, R5
    case, row = answered
    ack = OutboundEmail.objects.get(case=case, kind=OutboundKind.ACK)
    sent = parsed_outbound(row)
    assert sent["From"] == parsed_outbound(ack)["From"]  # R1
    assert sent["Subject"] == f"Nätbutiken: Svar på din fråga – Leveranstid jacka [#{case.number}]"
    assert sent["In-Reply-To"] == "<q1@example.se>"  # R5
    assert sent["References"] == "<older@example.se> <q1@example.se>"
    assert "Auto-Submitted" not in sent  # a person wrote this
    for body in (sent.get_body(("plain",)).get_content(), sent.get_body(("html",)).get_content()):
        assert "Jackan skickas i dag med PostNord." in body
        assert "När kommer min jacka?" in body  # R3
        assert "Fick du svar på din fråga?" in body  # R4
        assert "/feedback/" in body
        assert "samma ärende" in body  # R4: just reply


def _links(row):
    text = parsed_outbound(row).get_body(("plain",)).get_content()
    return [
        urlsplit(line.split(": ", 1)[1]).path
        for line in text.splitlines()
        if line.startswith(("Ja: ", "Nej: "))
    ]


def test_a_good_rating_is_one_press(client, answered):  # R4, F2
    case, row = answered
    good, _bad = _links(row)
    page = client.get(good)
    assert page.status_code == 200 and 'value="good" checked' in page.content.decode()
    assert not Rating.objects.exists()  # a link scanner's GET records nothing
    client.post(good, {"score": "good"})
    rating = Rating.objects.get()
    assert rating.score == "good" and rating.agent.first_name == "Anna"
    case.refresh_from_db()
    assert case.status == Status.ANSWERED and case.satisfaction == 1


def test_a_bad_rating_reopens_the_case_at_the_top(client, answered):  # F1, S3
    case, row = answered
    _good, bad = _links(row)
    client.post(bad)
    case.refresh_from_db()
    assert case.status == Status.OPEN and case.is_follow_up and case.due_at is not None


def test_a_comment_becomes_a_message_on_the_case(client, answered):  # F1
    case, row = answered
    _good, bad = _links(row)
    client.post(bad, {"comment": "Jackan kom aldrig fram."})
    assert case.messages.filter(body_text="Jackan kom aldrig fram.").exists()
    case.refresh_from_db()
    assert case.is_follow_up


def test_a_tampered_link_reveals_nothing(client, answered):
    _case, row = answered
    good, _bad = _links(row)
    token = good.split("/")[2]
    tampered = good.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert client.get(tampered).status_code == 404
    assert client.post(tampered).status_code == 404
    assert not Rating.objects.exists()
