"""Forwarding a case's message to another address, with its attachments (issue 16)."""

import email
from datetime import timedelta
from email import policy

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from kundsvar.cases.models import Attachment, CaseEvent, Direction
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.channels.email.models import OutboundEmail
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


@pytest.fixture
def setup(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    shop = ShopFactory(name="Nordljus", email="hej@nordljus.se")
    agent = AgentFactory(shops=[shop])
    case = open_email_case(shop, timezone.now() - timedelta(hours=1), text="Trasig lampa, se bild")
    question = case.messages.get(direction=Direction.INBOUND)
    item = Attachment(message=question, filename="lampa.jpg", content_type="image/jpeg", size=4)
    item.file.save("lampa.jpg", ContentFile(b"\xff\xd8\xff\xe0"), save=True)
    client.force_login(agent)
    return client, case, question


def test_forward_a_message_with_its_attachments(setup):
    client, case, question = setup
    url = reverse("cases:forward", args=[case.number, question.pk])
    response = client.post(url, {"to": "Lager@nordljus.se", "note": "Kan ni byta?"})
    assert response.status_code == 302
    row = OutboundEmail.objects.get(case=case, kind="forward")
    assert row.to_address == "lager@nordljus.se"
    parsed = email.message_from_bytes(bytes(row.mime), policy=policy.default)
    text = parsed.get_body(("plain",)).get_content()
    assert "Kan ni byta?" in text and "Trasig lampa, se bild" in text
    (attached,) = list(parsed.iter_attachments())
    assert attached.get_filename() == "lampa.jpg"
    assert attached.get_content() == b"\xff\xd8\xff\xe0"
    event = CaseEvent.objects.get(case=case, kind="forwarded")
    assert event.data["to"] == "lager@nordljus.se"


def test_forward_needs_a_valid_address(setup):
    client, case, question = setup
    url = reverse("cases:forward", args=[case.number, question.pk])
    client.post(url, {"to": "lager"})
    client.post(url, {"to": "a@b.se, c@d.se"})
    assert not OutboundEmail.objects.filter(kind="forward").exists()


def test_forward_is_for_the_cases_own_agents(client, setup):
    _client, case, question = setup
    client.force_login(AgentFactory(shops=[ShopFactory()]))
    url = reverse("cases:forward", args=[case.number, question.pk])
    assert client.post(url, {"to": "x@y.se"}).status_code == 404
