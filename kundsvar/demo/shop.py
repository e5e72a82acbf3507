"""A demo shop with customers and 30 cases in every state, made through the services.

Everything is relative to `now`, so the queue always shows cases due soon, at risk,
breached, follow-ups, waiting and closed ones.
"""

import secrets
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kundsvar.accounts.models import Agent, Membership, Role, Team
from kundsvar.automations import services as automations
from kundsvar.cases import services as cases
from kundsvar.cases.models import Case, SavedReply, Status
from kundsvar.cases.services import Inbound
from kundsvar.channels.email.models import OutboundEmail, OutboundState
from kundsvar.channels.phone.demo import add_demo_phone
from kundsvar.channels.social.demo import add_demo_conversation
from kundsvar.commerce import matching
from kundsvar.commerce.demo import add_demo_orders
from kundsvar.commerce.models import ShippingMethod
from kundsvar.customers.services import add_email, find_or_create_customer
from kundsvar.knowledge.demo import add_demo_articles
from kundsvar.portal.demo import add_ratings
from kundsvar.routing import services as routing
from kundsvar.shops.models import OpeningHours, Shop, SpecialDay
from kundsvar.sla import services as sla
from kundsvar.sla.models import ResponsePolicy
from kundsvar.topics import intent
from kundsvar.topics.services import seed_defaults as seed_topics

from .chats import add_demo_chats

SHOP_SLUG = "nordljus"
ADMIN_USERNAME = "admin"
AGENT_USERNAME = "anna"

CUSTOMERS = [
    # name, email, language, second address
    ("Karin Lindqvist", "karin.lindqvist@example.se", "sv", "karin@jobbet.example.se"),
    ("Erik Johansson", "erik.j@example.se", "sv", ""),
    ("Sofia Berg", "sofia.berg@example.se", "sv", ""),
    ("Mohammed Ali", "m.ali@example.se", "sv", ""),
    ("Lena Nyström", "lena.nystrom@example.se", "sv", ""),
    ("Oskar Holm", "oskar.holm@example.se", "sv", ""),
    ("Maja Ek", "maja.ek@example.se", "sv", ""),
    ("Johan Sandberg", "johan@sandberg.example.se", "sv", ""),
    ("Ingrid Solberg", "ingrid.solberg@example.no", "nb", ""),
    ("Mette Kristensen", "mette.k@example.dk", "da", ""),
    ("James Carter", "james.carter@example.co.uk", "en", ""),
    ("Aino Virtanen", "aino.virtanen@example.fi", "sv", ""),
]

# (customer index, subject, text, hours ago, story). Stories: owed (nothing done yet),
# answered, waiting, closed, follow_up (answered, then the customer wrote again).
CASES = [
    (
        0,
        "Leveranstid jacka",
        "Hej! Jag beställde en vinterjacka i fredags, order 100231. "
        "När kan jag räkna med leverans?",
        2,
        "owed",
    ),
    (
        1,
        "",
        "Hej, paketet har inte kommit fram fast det stod levererat i går. "
        "Kollinummer 00370730253871234567.",
        5,
        "owed",
    ),
    (
        2,
        "Retur av skor",
        "Hej! Skorna var för små. Hur gör jag en retur och vad kostar den?",
        30,
        "answered",
    ),
    (
        3,
        "Faktura saknas",
        "Jag har inte fått någon faktura för min beställning 100198.",
        50,
        "closed",
    ),
    (
        4,
        "Fel färg på kudde",
        "Jag fick en grå kudde men beställde en blå. Order 100244.",
        3,
        "owed",
    ),
    (
        5,
        "Re: Svar på din fråga",
        "Tack för svaret! Men när kommer återbetalningen?",
        26,
        "follow_up",
    ),
    (6, "Presentkort", "Går det att köpa presentkort som skickas med e-post?", 1, "owed"),
    (7, "Trasig lampa", "Lampan kom trasig, glaset var krossat. Bifogar bild.", 20, "owed"),
    (8, "Levering til Norge", "Hei! Sender dere til Norge, og hva koster frakten?", 4, "owed"),
    (9, "Ombytning", "Hej, kan jeg bytte en trøje til en større størrelse?", 6, "answered"),
    (
        10,
        "Order status",
        "Hi, I ordered a rug last week (order 100212) and haven't heard "
        "anything since. Could you check?",
        7,
        "owed",
    ),
    (
        11,
        "Leverans till Åland",
        "Hej! Levererar ni till Åland och tillkommer det tull?",
        8,
        "waiting",
    ),
    (
        0,
        "Ändra adress",
        "Hej igen, jag behöver ändra leveransadressen på order 100231.",
        1,
        "follow_up",
    ),
    (1, "Rabattkod fungerar inte", "Koden VINTER20 ger ingen rabatt i kassan.", 27, "closed"),
    (2, "", "Hur länge gäller öppet köp?", 9, "owed"),
    (3, "Dubbeldragning", "Jag har blivit dragen två gånger för samma order 100250!", 2, "owed"),
    (4, "Reklamation stol", "Ett ben på stolen har spruckit efter två månader.", 75, "closed"),
    (5, "Storleksguide", "Hur stora är era M-tröjor i bröstmått?", 12, "answered"),
    (
        6,
        "Leverans före jul",
        "Hinner jag få en beställning före julafton om jag beställer nu?",
        0.5,
        "owed",
    ),
    (7, "Kvitto", "Kan ni skicka ett kvitto på min senaste beställning?", 45, "closed"),
    (8, "Retur", "Hei, hvordan returnerer jeg en vare fra Norge?", 16, "waiting"),
    (9, "Pakke ikke modtaget", "Min pakke er ikke kommet, ordre 100260.", 22, "owed"),
    (10, "Cancel order", "Please cancel my order 100270, I ordered the wrong size.", 0.2, "owed"),
    (11, "Betalning med Swish", "Kan man betala med Swish hos er?", 60, "closed"),
    (0, "Produktfråga", "Är överkastet tvättbart i 60 grader?", 33, "answered"),
    (1, "Klarna-faktura", "Jag vill förlänga min Klarna-faktura, går det?", 14, "owed"),
    (2, "Saknad del", "Det saknas skruvar till bokhyllan i paketet.", 3.5, "owed"),
    (3, "", "Var är min order??? Beställde för en vecka sedan.", 40, "follow_up"),
    (4, "Nyhetsbrev", "Hur avregistrerar jag mig från nyhetsbrevet?", 80, "closed"),
    # Waiting on the customer for eight days: the suggested automation closes it, with a
    # last friendly mail, at the worker's first minute.
    (5, "Mattans mått", "Finns mattan Fjällsjö i 200x300?", 8 * 24, "waiting"),
]

ANSWER = (
    "Hej {name}!\n\nTack för att du hörde av dig. Vi har tittat på ditt ärende och "
    "återkommer med en bekräftelse så snart vi kontrollerat med lagret.\n\n"
    "Vänliga hälsningar\n{agent}, Nordljus kundtjänst"
)


def create_shop() -> Shop:
    shop = Shop.objects.create(
        name="Nordljus",
        slug=SHOP_SLUG,
        email="kundtjanst@nordljus.example",
        phone="08-520 255 00",
        country="SE",
        time_zone="Europe/Stockholm",
        language="sv",
        languages=["sv", "nb", "da", "en"],
        website="https://nordljus.example",
    )
    for weekday in range(5):
        OpeningHours.objects.create(
            shop=shop, weekday=weekday, opens=time(8), closes=time(17) if weekday < 4 else time(16)
        )
    OpeningHours.objects.create(shop=shop, weekday=5, opens=time(10), closes=time(14))
    SpecialDay.objects.create(
        shop=shop,
        date=timezone.localdate().replace(month=12, day=23),
        closed=False,
        opens=time(8),
        closes=time(13),
        note="Kortare öppettider före jul",
    )
    ResponsePolicy.objects.create(shop=shop, channel="")
    return shop


SAVED_REPLIES = [
    (
        "Leveranstid",
        "sv",
        "Hej {customer_first_name}!\n\nTack för att du hörde av dig. Din "
        "beställning skickas inom 1–2 arbetsdagar och levereras normalt 2–4 arbetsdagar efter "
        "det.\n\nVänliga hälsningar\n{agent_first_name}, {shop_name} kundtjänst",
    ),
    (
        "Retur",
        "sv",
        "Hej {customer_first_name}!\n\nDu har 30 dagars öppet köp. Anmäl returen "
        "på vår webbplats så får du en returetikett. Returfrakten kostar 59 kr.\n\n"
        "Vänliga hälsningar\n{agent_first_name}, {shop_name} kundtjänst",
    ),
    (
        "Delivery time",
        "en",
        "Hi {customer_first_name},\n\nThank you for getting in touch. "
        "Your order ships within 1–2 working days.\n\nKind regards\n{agent_first_name}, "
        "{shop_name} customer service",
    ),
]


def _detect_topic(case: Case, subject: str, text: str, received: datetime) -> None:
    """What intake does for a new case without a topic (topics.intent)."""
    guess = intent.detect(case.shop, f"{subject}\n{text}")
    if guess is not None and guess.topic_id is not None:
        topic = case.shop.topics.get(pk=guess.topic_id)
        cases.set_topic(case, topic, source="detected", confidence=guess.confidence, now=received)


def _agents(shop: Shop, logins: dict) -> tuple[Agent, Agent]:
    admin = Agent.objects.create_superuser(
        ADMIN_USERNAME,
        "agneta@nordljus.example",
        logins["admin_password"],
        first_name="Agneta",
        last_name="Ström",
    )
    agent = Agent.objects.create_user(
        AGENT_USERNAME,
        "anna@nordljus.example",
        logins["agent_password"],
        first_name="Anna",
        last_name="Svensson",
        is_staff=False,
    )
    Membership.objects.create(agent=admin, shop=shop, role=Role.ADMIN)
    Membership.objects.create(agent=agent, shop=shop, role=Role.AGENT)
    Team.objects.create(shop=shop, name="Returer").members.add(agent)
    for title, language, body in SAVED_REPLIES:
        SavedReply.objects.create(
            shop=shop, title=title, language=language, body=body, created_by=admin
        )
    return admin, agent


def _story(case: Case, story: str, received: datetime, agent: Agent, now: datetime) -> None:
    name = case.customer.first_name
    answered_at = min(received + timedelta(hours=1.5), now - timedelta(minutes=5))
    answer = ANSWER.format(name=name, agent=agent.first_name)
    if story == "answered":
        cases.reply(case, agent, answer, now=answered_at)
    elif story == "waiting":
        cases.reply(
            case,
            agent,
            answer + "\n\nKan du skicka ditt ordernummer?",
            then=Status.WAITING,
            now=answered_at,
        )
    elif story == "closed":
        cases.reply(case, agent, answer, then=Status.CLOSED, now=answered_at)
    elif story == "follow_up":
        cases.reply(case, agent, answer, now=answered_at)
        again = answered_at + (now - answered_at) / 2
        cases.add_inbound_message(
            case,
            Inbound(
                from_address=case.customer.primary_email,
                from_name=case.customer.name,
                subject=f"Re: {case.subject}",
                body_text="Hej igen! Något nytt om detta?",
                received_at=again,
            ),
        )


@transaction.atomic
def create_demo(now: datetime | None = None) -> dict:
    """Create the demo shop and its cases. Returns the logins."""
    now = now or timezone.now()
    logins = _new_logins()
    shop = create_shop()
    seed_topics(shop)  # the contact page shows them first; detection sorts the mail
    admin, agent = _agents(shop, logins)
    customers = []
    for name, email, language, other in CUSTOMERS:
        customer = find_or_create_customer(shop, email, name, language)
        if other:
            add_email(customer, other)
        customers.append(customer)
    add_demo_orders(shop, customers, now)
    add_demo_articles(shop)
    _christmas_dates(shop, now)
    for index, (who, subject, text, hours_ago, story) in enumerate(CASES):
        customer = customers[who]
        received = now - timedelta(hours=hours_ago)
        case = cases.open_case(
            shop,
            "form" if index % 4 == 3 else "email",
            Inbound(
                from_address=customer.primary_email,
                from_name=customer.name,
                subject=subject,
                body_text=text,
                received_at=received,
                language=customer.language,
            ),
        )
        matching.match_case(case, now=received)
        _detect_topic(case, subject, text, received)
        if index % 3 == 0:
            cases.assign(case, agent, actor=admin, now=received)
        _story(case, story, received, agent, now)
    add_demo_conversation(shop, customers[1], agent, now)  # on WhatsApp
    add_ratings(shop, now)
    add_demo_phone(shop, agent, now)  # an SMS thread and two callbacks in the same queue
    add_demo_chats(shop, agent, customers, now)
    # The suggested automations, on: a waiting case is reminded after 3 days and closed
    # after 7 by the worker (issue 14). Anna takes Swedish and English cases.
    automations.seed_rules(shop)
    routing.save_profile(shop, agent, languages=["sv", "en"])
    sla.sweep(now)
    # The seeded answers are history: they went out when they were written.
    OutboundEmail.objects.update(
        state=OutboundState.SENT, sent_at=F("created_at"), next_attempt_at=None
    )
    return logins


def _new_logins() -> dict:
    """Each demo login gets its own password: the owner's must not open with the agent's."""
    return {
        "admin": ADMIN_USERNAME,
        "admin_password": secrets.token_urlsafe(9),
        "agent": AGENT_USERNAME,
        "agent_password": secrets.token_urlsafe(9),
    }


def _christmas_dates(shop: Shop, now: datetime) -> None:
    """Last order dates for delivery before julafton (rule O5), this year's."""
    year = timezone.localdate(now).year
    for code, day in (("postnord_ombud", 18), ("postnord_home", 19), ("budbee_home", 21)):
        ShippingMethod.objects.filter(shop=shop, code=code).update(
            christmas_last_order=now.date().replace(year=year, month=12, day=day)
        )


def reset_passwords() -> dict:
    """Fresh passwords for the demo logins (printed by `kundsvar demo` on every start)."""
    logins = _new_logins()
    for role in ("admin", "agent"):
        user = Agent.objects.get(username=logins[role])
        user.set_password(logins[f"{role}_password"])
        user.save(update_fields=["password"])
    return logins


def demo_exists() -> bool:
    return Shop.objects.filter(slug=SHOP_SLUG).exists()
