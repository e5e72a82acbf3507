"""The demo shows a WhatsApp conversation in the same queue as the mail."""

import pytest
from django.urls import reverse

from kundsvar.cases.models import Case, Direction
from kundsvar.demo import shop as demo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


def test_the_demo_queue_has_a_whatsapp_conversation_with_the_window_open(client):
    logins = demo.create_demo()
    case = Case.objects.get(channel="whatsapp")
    assert case.is_follow_up and case.due_at is not None  # answered, then written again
    assert case.messages.filter(direction=Direction.INBOUND).count() == 2
    assert case.customer.emails.exists()  # the same customer as by email: one history
    client.login(username=logins["agent"], password=logins["agent_password"])
    assert case.subject in client.get(reverse("cases:queue")).content.decode()
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "fönstret är öppet till" in page and "Läst" in page  # Anna reads Swedish
