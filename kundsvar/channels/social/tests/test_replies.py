"""An agent's answer goes back on the platform the customer used, as a delivery row sent to
the send API with the documented body, within the platform's window: free text for 24
hours; on Messenger and Instagram a person may answer with the HUMAN_AGENT tag up to 7
days; on WhatsApp after 24 hours only an approved template. Refusals are clear, and
nothing is saved."""

from datetime import timedelta

import pytest
from django.urls import reverse

from kundsvar.cases.models import Direction, EventKind
from kundsvar.channels.social.models import SocialDelivery, WhatsAppTemplate
from kundsvar.shops.tests.factories import AgentFactory

from . import payloads

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(shop):
    return AgentFactory(shops=[shop], language="en")


@pytest.fixture
def wa_case(deliver, whatsapp, graph, now):
    whatsapp.acknowledge = False
    whatsapp.save()
    deliver(
        whatsapp, payloads.whatsapp(payloads.wa_text("wamid.IN1", "Hej, var är mitt paket?", now))
    )
    return whatsapp.shop.cases.get()


@pytest.fixture
def fb_case(deliver, messenger, graph, now):
    messenger.acknowledge = False
    messenger.save()
    deliver(
        messenger,
        payloads.messenger(payloads.text_event("m_IN1", "Hej, var är mitt paket?", now), at=now),
    )
    return messenger.shop.cases.get()


def reply(client, agent, case, body, django_capture_on_commit_callbacks):
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("cases:reply", args=[case.number]), {"body": body, "then": "answered"}
        )


def test_a_whatsapp_reply_in_the_window_is_sent_with_the_documented_body(
    client, agent, wa_case, graph, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    page = client.get(reverse("cases:detail", args=[wa_case.number]))
    assert "the window is open until" in page.content.decode()
    answer = reply(
        client,
        agent,
        wa_case,
        "Hej Sheena! Paketet kommer i morgon.",
        django_capture_on_commit_callbacks,
    )
    assert answer.status_code == 302
    row = SocialDelivery.objects.get(kind="reply")
    assert row.state == "sent" and row.external_id == "wamid.OUT1"
    assert row.case_message.body_text == "Hej Sheena! Paketet kommer i morgon."
    sent = graph.sent()[0]
    assert sent.path == f"/{payloads.PHONE_ID}/messages"
    assert sent.json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": payloads.WA_ID,
        "type": "text",
        "text": {"preview_url": False, "body": "Hej Sheena! Paketet kommer i morgon."},
    }


def test_a_messenger_reply_in_the_window_is_a_response(
    client, agent, fb_case, graph, django_capture_on_commit_callbacks
):
    reply(client, agent, fb_case, "Hej! Det kommer i morgon.", django_capture_on_commit_callbacks)
    assert graph.sent()[0].json() == {
        "recipient": {"id": payloads.PSID},
        "messaging_type": "RESPONSE",
        "message": {"text": "Hej! Det kommer i morgon."},
    }


def test_a_messenger_reply_after_a_day_goes_with_the_human_agent_tag(
    client, agent, fb_case, graph, time_machine, django_capture_on_commit_callbacks
):
    time_machine.shift(timedelta(days=3))
    client.force_login(agent)
    page = client.get(reverse("cases:detail", args=[fb_case.number]))
    assert "HUMAN_AGENT" in page.content.decode()
    reply(client, agent, fb_case, "Förlåt dröjsmålet!", django_capture_on_commit_callbacks)
    body = graph.sent()[0].json()
    assert body["messaging_type"] == "MESSAGE_TAG" and body["tag"] == "HUMAN_AGENT"


def test_a_messenger_reply_after_seven_days_is_refused_and_nothing_is_saved(
    client, agent, fb_case, graph, time_machine, django_capture_on_commit_callbacks
):
    time_machine.shift(timedelta(days=7, minutes=1))
    answer = reply(client, agent, fb_case, "Hej igen!", django_capture_on_commit_callbacks)
    assert answer.status_code == 400
    assert "allowed only within 7 days" in answer.content.decode()
    assert not fb_case.messages.filter(direction=Direction.OUTBOUND).exists()
    assert SocialDelivery.objects.count() == 0 and graph.sent() == []


def test_whatsapp_outside_the_window_refuses_free_text_and_sends_a_chosen_template(
    client, agent, wa_case, graph, time_machine, django_capture_on_commit_callbacks
):
    template = WhatsAppTemplate.objects.create(
        shop=wa_case.shop,
        name="case_update",
        language="sv",
        text="Hej! Vi har svarat på ditt ärende. Skriv till oss här så fortsätter vi.",
    )
    time_machine.shift(timedelta(hours=25))
    client.force_login(agent)
    page = client.get(reverse("cases:detail", args=[wa_case.number])).content.decode()
    assert "outside the 24-hour window" in page and "case_update" in page
    refused = reply(client, agent, wa_case, "Hej!", django_capture_on_commit_callbacks)
    assert refused.status_code == 400 and "only an approved template" in refused.content.decode()
    assert SocialDelivery.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("social:template_reply", args=[wa_case.number]),
            {"template": template.pk, "then": "waiting"},
        )
    assert sent.status_code == 302
    row = SocialDelivery.objects.get()
    assert row.kind == "template" and row.state == "sent"
    assert graph.sent()[0].json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": payloads.WA_ID,
        "type": "template",
        "template": {"name": "case_update", "language": {"code": "sv"}},
    }
    wa_case.refresh_from_db()
    assert wa_case.status == "waiting"
    assert wa_case.messages.get(direction=Direction.OUTBOUND).body_text == template.text


def test_a_template_with_values_fills_them_in_for_the_case_and_for_whatsapp(
    client, agent, wa_case, graph, time_machine, django_capture_on_commit_callbacks
):
    template = WhatsAppTemplate.objects.create(
        shop=wa_case.shop,
        name="order_update",
        language="sv",
        text="Hej {{1}}! Din order {{2}} är skickad.",
    )
    assert template.parameter_count == 2
    time_machine.shift(timedelta(hours=25))
    client.force_login(agent)
    url = reverse("social:template_reply", args=[wa_case.number])
    with django_capture_on_commit_callbacks(execute=True):
        too_few = client.post(
            url, {"template": template.pk, "then": "waiting", "parameters": "Eva"}
        )
    assert too_few.status_code == 302 and SocialDelivery.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url, {"template": template.pk, "then": "waiting", "parameters": "Eva\n 10234 \n"}
        )
    assert graph.sent()[0].json()["template"] == {
        "name": "order_update",
        "language": {"code": "sv"},
        "components": [
            {
                "type": "body",
                "parameters": [{"type": "text", "text": "Eva"}, {"type": "text", "text": "10234"}],
            }
        ],
    }
    sent = wa_case.messages.get(direction=Direction.OUTBOUND)
    assert sent.body_text == "Hej Eva! Din order 10234 är skickad."


def test_a_template_of_another_shop_cannot_be_sent(client, agent, wa_case, graph):
    from kundsvar.shops.tests.factories import ShopFactory

    other = WhatsAppTemplate.objects.create(shop=ShopFactory(), name="x", language="sv", text="x")
    client.force_login(agent)
    client.post(
        reverse("social:template_reply", args=[wa_case.number]),
        {"template": other.pk, "then": "answered"},
    )
    assert SocialDelivery.objects.count() == 0


def test_a_send_the_platform_refuses_fails_visibly_with_its_words(
    client, agent, wa_case, graph, django_capture_on_commit_callbacks
):
    graph.fail(
        "POST",
        f"/{payloads.PHONE_ID}/messages",
        400,
        "Message failed to send because more than 24 hours have passed",
        code=131047,
    )
    reply(client, agent, wa_case, "Hej!", django_capture_on_commit_callbacks)
    row = SocialDelivery.objects.get()
    assert row.state == "failed" and row.attempts == 1  # permanent: not retried
    assert "131047" in row.last_error and "24 hours" in row.last_error
    assert wa_case.events.filter(kind=EventKind.DELIVERY_FAILED).exists()
    page = client.get(reverse("cases:detail", args=[wa_case.number])).content.decode()
    assert "more than 24 hours have passed" in page and "Retry now" in page


def test_a_platform_that_is_down_is_tried_again(
    client, agent, fb_case, graph, django_capture_on_commit_callbacks, time_machine
):
    graph.fail(
        "POST", f"/{payloads.PAGE_ID}/messages", 503, "Service temporarily unavailable", code=2
    )
    reply(client, agent, fb_case, "Hej!", django_capture_on_commit_callbacks)
    row = SocialDelivery.objects.get()
    assert row.state == "queued" and row.attempts == 1 and "temporarily" in row.last_error
    graph.answers.clear()
    time_machine.shift(timedelta(minutes=2))
    from kundsvar.channels.social import outbox

    assert outbox.send_due() == 1
    row.refresh_from_db()
    assert row.state == "sent" and row.external_id.startswith("m_OUT")
