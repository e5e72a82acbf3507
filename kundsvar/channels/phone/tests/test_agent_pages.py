"""What agents see: callbacks recognisable in the one queue by promise (S2, S5), the phone
panel with click-to-call links and one-click outcomes, the SMS composer's counter."""

import pytest
from django.test import Client
from django.urls import reverse

from kundsvar.cases.models import Status
from kundsvar.cases.services import Inbound, open_case
from kundsvar.channels.phone.callbacks import request_callback
from kundsvar.channels.phone.models import Call, Callback, CallbackState
from kundsvar.channels.phone.segments import count
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db


def logged_in(agent) -> Client:
    client = Client()
    client.force_login(agent)
    return client


def test_callbacks_are_in_the_queue_by_promise_with_a_label(shop, agent, now):
    callback = request_callback(shop, "0701234567", now=now)
    email_case = open_case(
        shop, "email", Inbound(from_address="k@ex.se", body_text="Hej", received_at=now)
    )
    page = logged_in(agent).get(reverse("cases:queue")).content.decode()
    assert f">{callback.case.number}<" in page and f">{email_case.number}<" in page
    assert page.count('class="badge callback"') == 1  # the callback, not the email
    # Ordered by promise: the earlier deadline first.
    first, second = sorted([callback.case, email_case], key=lambda c: c.due_at)
    assert page.index(f">{first.number}<") < page.index(f">{second.number}<")


def test_the_case_page_has_click_to_call_and_logs_an_outcome_with_one_click(shop, agent, now):
    callback = request_callback(shop, "070-123 45 67", now=now)
    client = logged_in(agent)
    url = reverse("cases:detail", args=[callback.case.number])
    page = client.get(url).content.decode()
    assert 'href="tel:+46701234567"' in page
    assert reverse("phone:log_call", args=[callback.case.number]) in page
    assert "data-sms-counter" in page  # a phone case may be answered by SMS
    response = client.post(
        reverse("phone:log_call", args=[callback.case.number]),
        {"outcome": "reached", "direction": "out", "number": "+46701234567", "minutes": "2.5"},
    )
    assert response.status_code == 302
    call = Call.objects.get()
    assert call.duration_seconds == 150 and call.agent == agent
    callback.refresh_from_db()
    assert callback.state == CallbackState.DONE
    callback.case.refresh_from_db()
    assert callback.case.status == Status.ANSWERED


def test_another_shops_agent_cannot_log_a_call(shop, now):
    callback = request_callback(shop, "0701234567", now=now)
    stranger = AgentFactory(shops=[ShopFactory()])
    response = logged_in(stranger).post(
        reverse("phone:log_call", args=[callback.case.number]), {"outcome": "reached"}
    )
    assert response.status_code == 404 and not Call.objects.exists()
    assert Client().post(reverse("phone:log_call", args=[callback.case.number])).status_code == 302


def test_sms_segments_gsm7_and_ucs2():
    assert count("Hej! Din order är skickad.").encoding == "GSM-7"  # å ä ö are GSM-7
    assert count("a" * 160).segments == 1 and count("a" * 161).segments == 2
    assert count("a" * 306).segments == 2 and count("a" * 307).segments == 3
    assert count("€" * 80).units == 160 and count("€" * 80).segments == 1
    assert count("Tack 🙂").encoding == "UCS-2" and count("Tack 🙂").units == 7
    assert count("ж" * 70).segments == 1 and count("ж" * 71).segments == 2
    assert count("").segments == 0


def test_an_unanswered_callback_is_snoozed_out_of_the_open_queue(shop, agent, now):
    from kundsvar.channels.phone import calls

    callback = request_callback(shop, "0701234567", now=now)
    calls.log_call(callback.case, agent, outcome="no_answer", now=now)
    page = logged_in(agent).get(reverse("cases:queue")).content.decode()
    assert f">{callback.case.number}<" not in page
    snoozed = logged_in(agent).get(reverse("cases:queue") + "?view=snoozed").content.decode()
    assert f">{callback.case.number}<" in snoozed


def test_a_call_on_no_case_finds_the_customer_by_number_and_opens_an_answered_case(
    shop, agent, now
):  # C5: one customer history, whatever the channel
    from kundsvar.customers.models import Customer
    from kundsvar.customers.services import add_phone

    known = Customer.objects.create(shop=shop, name="Karin Berg")
    add_phone(known, "070-123 45 67", "SE")
    client = logged_in(agent)
    queue = client.get(reverse("cases:queue")).content.decode()
    assert f'href="{reverse("phone:new_call")}"' in queue and "Logga ett samtal" in queue
    response = client.post(
        reverse("phone:new_call"),
        {
            "shop": shop.pk,
            "number": "+46 70 123 45 67",
            "direction": "in",
            "outcome": "reached",
            "minutes": "4",
            "note": "Frågade om returfrakt; svarade att den är gratis.",
        },
    )
    call = Call.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/{call.case.number}/")
    assert call.case.customer == known and call.case.channel == "phone"
    assert call.direction == "in" and call.duration_seconds == 240
    call.case.refresh_from_db()
    assert call.case.status == Status.ANSWERED
    assert not Callback.objects.exists()


def test_a_call_for_another_shop_cannot_be_logged(shop, agent, now):
    other = ShopFactory()
    response = logged_in(agent).post(
        reverse("phone:new_call"),
        {"shop": other.pk, "number": "0701234567", "direction": "in", "outcome": "reached"},
    )
    assert response.status_code == 200 and not Call.objects.exists()
