"""A WhatsApp conversation for the demo shop: the customer asked yesterday, an agent
answered (delivered and read), and this morning the customer wrote again, so the case is
in the queue as a follow-up with the window open. The connection has made-up
credentials: an answer sent from the demo fails visibly, as with a wrong token."""

import secrets
from datetime import timedelta

from django.db.models import F

from kundsvar.cases import services as cases
from kundsvar.cases.services import Inbound
from kundsvar.customers.services import add_handle, add_phone
from kundsvar.intake.services import receive

from .models import Connection, PlatformMessage, SocialDelivery, WhatsAppTemplate

NUMBER = "46705550123"
FIRST = (
    "Hej! Jag fick byxorna i fel storlek, 50 i stället för 52. Kan jag byta dem mot rätt "
    "storlek i stället för att returnera?"
)
ANSWER = (
    "Hej {name}! Absolut, skicka tillbaka dem med returetiketten i paketet och skriv "
    "'byte 52' på följesedeln, så skickar vi rätt storlek när de kommit fram. /{agent}"
)
AGAIN = "Tack! Nu har jag lämnat paketet hos ombudet. Hur lång tid brukar bytet ta?"


def add_demo_conversation(shop, customer, agent, now) -> None:
    connection = Connection.objects.create(
        shop=shop,
        platform="whatsapp",
        account_id="100000000000001",
        access_token=f"demo-{secrets.token_hex(8)}",  # not a real token: sends fail visibly
        app_secret=secrets.token_hex(16),
        verify_token=secrets.token_urlsafe(12),
        acknowledge=False,
    )
    WhatsAppTemplate.objects.create(
        shop=shop,
        name="case_answered",
        language="sv",
        text="Hej! Vi har svarat på din fråga. Svara här så fortsätter vi samtalet.",
    )
    add_handle(customer, "whatsapp", NUMBER)
    add_phone(customer, f"+{NUMBER}")
    case = _write(connection, customer, "wamid.demo-1", FIRST, now - timedelta(hours=26))
    cases.reply(
        case,
        agent,
        ANSWER.format(name=customer.first_name, agent=agent.first_name),
        now=now - timedelta(hours=25),
    )
    _write(connection, customer, "wamid.demo-2", AGAIN, now - timedelta(hours=3))
    # The answer is history: delivered and read yesterday.
    SocialDelivery.objects.filter(case=case).update(
        state="sent",
        sent_at=F("created_at"),
        next_attempt_at=None,
        external_id="wamid.demo-out-1",
        platform_status="read",
        platform_status_at=F("created_at"),
    )


def _write(connection, customer, wamid, text, at):
    received = receive(
        connection.shop,
        "whatsapp",
        Inbound(
            from_address=f"whatsapp:{NUMBER}",
            from_name=customer.name,
            body_text=text,
            received_at=at,
            message_id=wamid,
        ),
        customer=customer,
        hint=customer,
        acknowledge=False,
    )
    PlatformMessage.objects.create(
        platform="whatsapp",
        external_id=wamid,
        connection=connection,
        sender=NUMBER,
        message=received.message,
        created_at=at,
    )
    return received.case
