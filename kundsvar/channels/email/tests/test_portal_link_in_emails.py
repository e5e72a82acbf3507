"""Every acknowledgement and reply links to the customer's case page (A1, R4, S3)."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from kundsvar.cases import services
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.channels.email import emails
from kundsvar.channels.email.models import OutboundEmail, OutboundKind
from kundsvar.channels.email.tests.mails import parsed_outbound
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

from .conftest import T0

pytestmark = pytest.mark.django_db
WORDS = {
    "sv": ("Fick du svar på din fråga?", "Ärende"),
    "en": ("Did this answer your question?", "Case"),
}


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(T0 + timedelta(hours=1), tick=True)


@pytest.fixture
def shop(db):
    return ShopFactory(
        name="Nordljus", slug="nordljus", email="kundtjanst@nordljus.example", phone="08-123 456 00"
    )


@pytest.fixture
def agent(shop):
    return AgentFactory(shops=[shop], first_name="Anna", last_name="Berg")


def _bodies(message) -> tuple[str, str]:
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())


def _portal_link(body: str) -> str:
    """The signed link in the body (it carries a timestamp, so it is found, not rebuilt)."""
    found = re.findall(re.escape(settings.SITE_URL) + r"/p/[^/\s\"]+/", body)
    assert found, body
    return found[0]


def _opens_the_case(client, url, case):
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200
    assert str(case.number) in response.content.decode()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_acknowledgement_links_to_the_portal(client, shop, frozen, language):  # A1
    case = open_email_case(shop, T0, language=language)
    sent = emails.acknowledgement(case, case.messages.get())
    text, html = _bodies(sent)
    assert f'href="{_portal_link(html)}"' in html
    assert f"{WORDS[language][1]} {case.number}" in html
    _opens_the_case(client, _portal_link(text), case)
    _opens_the_case(client, _portal_link(html), case)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_reply_links_to_the_portal_and_keeps_the_rating_links(
    client, shop, agent, frozen, language
):  # R4
    case = open_email_case(shop, T0, language=language)
    services.reply(case, agent, "Jackan skickas i dag.")
    sent = parsed_outbound(OutboundEmail.objects.get(case=case, kind=OutboundKind.REPLY))
    for body in _bodies(sent):
        assert "/feedback/" in body  # the one-click rating links stay (R4)
        assert WORDS[language][0] in body
        _opens_the_case(client, _portal_link(body), case)
