"""The composer (issue 16): copies, Markdown-light in the mail, signatures in the
customer's language, drafts that survive a reload, and send-and-close / send-and-next."""

import email
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kundsvar.cases import services
from kundsvar.cases.models import Direction, Status
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.channels.email import outbox
from kundsvar.channels.email.models import OutboundEmail
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.workspace import services as workspace
from kundsvar.workspace.models import Draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


@pytest.fixture
def shop():
    return ShopFactory(name="Nordljus", email="hej@nordljus.se", languages=["sv", "en"])


@pytest.fixture
def agent(shop):
    return AgentFactory(shops=[shop], first_name="Anna", language="en")


@pytest.fixture
def case(shop):
    return open_email_case(shop, timezone.now() - timedelta(hours=1), sender="karin@example.se")


@pytest.fixture
def logged_in(client, agent):
    client.force_login(agent)
    return client


def _send(client, case, **data):
    data = {"body": "Hej Karin!", "then": Status.ANSWERED, **data}
    return client.post(reverse("cases:reply", args=[case.number]), data)


def _reply_mail(case) -> OutboundEmail:
    return OutboundEmail.objects.get(case=case, kind="reply")


def test_cc_and_bcc_are_stored_and_go_on_the_mail(
    logged_in, case, django_capture_on_commit_callbacks
):
    response = _send(
        logged_in, case, cc="Lager@Nordljus.se; chef@nordljus.se", bcc="arkiv@nordljus.se"
    )
    assert response.status_code == 302
    answer = case.messages.get(direction=Direction.OUTBOUND)
    assert answer.cc_addresses == ["lager@nordljus.se", "chef@nordljus.se"]
    assert answer.bcc_addresses == ["arkiv@nordljus.se"]
    row = _reply_mail(case)
    parsed = email.message_from_bytes(bytes(row.mime))
    assert parsed["Cc"] == "lager@nordljus.se, chef@nordljus.se"
    assert parsed["Bcc"] is None  # only in the envelope
    mail.outbox.clear()
    assert outbox.send(row.pk) == "sent"
    assert set(mail.outbox[0].recipients()) == {
        "karin@example.se",
        "lager@nordljus.se",
        "chef@nordljus.se",
        "arkiv@nordljus.se",
    }


def test_a_wrong_copy_address_sends_nothing(logged_in, case):
    response = _send(logged_in, case, cc="lager@nordljus")
    assert response.status_code == 400
    assert "is not an email address" in response.content.decode()
    assert not case.messages.filter(direction=Direction.OUTBOUND).exists()


def test_markdown_light_renders_in_the_html_part_safely(logged_in, case):
    body = (
        "**Viktigt**: se [spårningen](https://spara.se/x)\n\n- ett\n- två\n\n"
        "<b>rå</b> <script>x()</script>"
    )
    _send(logged_in, case, body=body)
    parsed = email.message_from_bytes(bytes(_reply_mail(case).mime), policy=email.policy.default)
    html = parsed.get_body(("html",)).get_content()
    text = parsed.get_body(("plain",)).get_content()
    assert "<strong>Viktigt</strong>" in html
    assert '<a href="https://spara.se/x" rel="noopener noreferrer">spårningen</a>' in html
    assert "<li>ett</li>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html
    assert "Viktigt: se spårningen (https://spara.se/x)" in text
    assert "- ett" in text


def test_signatures_of_agent_and_shop_in_the_customers_language(logged_in, case, shop, agent):
    workspace.set_signature(shop, agent, "", "Anna")
    workspace.set_signature(shop, None, "sv", "Nordljus kundtjänst")
    workspace.set_signature(shop, None, "en", "Nordljus customer service")
    services.set_language(case, "en", actor=agent)
    _send(logged_in, case, body="Hello!")
    answer = case.messages.get(direction=Direction.OUTBOUND)
    assert answer.body_text == "Hello!\n\nAnna\n\nNordljus customer service"
    preview = logged_in.post(reverse("cases:preview", args=[case.number]), {"body": "Hi"})
    assert "Nordljus customer service" in preview.content.decode()


def test_a_draft_is_saved_restored_and_deleted_on_send(logged_in, case, agent):
    url = reverse("cases:draft", args=[case.number])
    assert logged_in.post(url, {"body": "Hej, jag kollar", "cc": "x@y.se"}).status_code == 200
    assert Draft.objects.get(agent=agent, case=case).body == "Hej, jag kollar"
    page = logged_in.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "Hej, jag kollar</textarea>" in page
    assert 'value="x@y.se"' in page
    _send(logged_in, case, body="Hej, jag kollar. Klart!")
    assert not Draft.objects.filter(case=case).exists()


def test_a_draft_is_the_agents_own_and_stays_in_their_shops(client, case, shop):
    stranger = AgentFactory(shops=[ShopFactory()])
    client.force_login(stranger)
    assert client.post(reverse("cases:draft", args=[case.number]), {"body": "x"}).status_code == 404
    assert not Draft.objects.exists()


def test_send_and_close(logged_in, case):
    response = _send(logged_in, case, after="close")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_send_and_next_opens_the_next_case(logged_in, case, shop):
    waiting = open_email_case(shop, timezone.now() - timedelta(hours=3), sender="bo@example.se")
    response = _send(logged_in, case, after="next")
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[waiting.number])
