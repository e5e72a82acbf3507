"""The demo shop's phone and SMS (`kundsvar demo`): an SMS thread and two callbacks (one
asked for on the contact page, one from a missed call) in the same queue as the mail.
The demo has no provider account, so it sends nothing: the seeded texts are history, and
SMS is switched off afterwards (a live reply says so instead of trying the network)."""

from datetime import datetime, timedelta

from django.db.models import F

from kundsvar.cases import services as cases
from kundsvar.core.delivery import DeliveryState
from kundsvar.sla.models import ResponsePolicy

from .callbacks import request_callback
from .inbound import receive_sms
from .models import OutboundSms, PhoneSettings, Provider, Source


def add_demo_phone(shop, agent, now: datetime) -> None:
    # Callbacks within the hour (S1: a call-back is a phone promise, not a mail one).
    ResponsePolicy.objects.get_or_create(
        shop=shop, channel="phone", defaults={"first_response_minutes": 60, "follow_up_minutes": 30}
    )
    phone, _ = PhoneSettings.objects.update_or_create(
        shop=shop,
        defaults={
            "provider": Provider.ELKS,
            "account": "demo",
            "secret": "demo",
            "number": "+46766860000",
            "sms_enabled": True,
            "agent_numbers": "+46701111111",
        },
    )
    number = "+46703334455"
    first = receive_sms(
        shop,
        number=number,
        text="Hej! Kan jag hämta min order i butiken i Malmö i stället för att få den hemskickad?",
        provider="46elks",
        provider_id="demo-sms-1",
        at=now - timedelta(minutes=55),
    )
    cases.reply(
        first.case,
        agent,
        "Hej! Ja, det går bra. Vi flyttar leveransen till butiken och hör av oss när den "
        "finns att hämta. /Anna",
        now=now - timedelta(minutes=45),
    )
    receive_sms(
        shop,
        number=number,
        text="Toppen, tack! Vilka tider har butiken öppet på lördag?",
        provider="46elks",
        provider_id="demo-sms-2",
        at=now - timedelta(minutes=8),
    )
    request_callback(
        shop,
        "070-222 33 44",
        name="Sven Holm",
        note="Vill prata om en reklamation av en vinterjacka.",
        source=Source.CONTACT_PAGE,
        language="sv",
        now=now - timedelta(minutes=25),
    )
    request_callback(
        shop, "+46 73 555 66 77", source=Source.MISSED_CALL, now=now - timedelta(minutes=4)
    )
    OutboundSms.objects.filter(shop=shop).update(
        state=DeliveryState.SENT,
        sent_at=F("created_at"),
        next_attempt_at=None,
        report_status="delivered",
        reported_at=F("created_at"),
    )
    phone.sms_enabled = False  # no provider account in the demo: nothing goes out
    phone.save(update_fields=["sms_enabled"])
