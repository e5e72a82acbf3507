"""Demo FAQ for a Nordic clothing shop: ten Swedish answers in four categories, a few
also in English. Idempotent: a shop that has articles already gets nothing new."""

from django.db import transaction

from . import services
from .models import Article

CATEGORIES = [
    ("Leverans", {"en": "Delivery"}),
    ("Returer och byten", {"en": "Returns and exchanges"}),
    ("Betalning", {"en": "Payment"}),
    ("Beställningar", {"en": "Orders"}),
]

# (category, title, body, English (title, body) or None)
ARTICLES = [
    (
        "Leverans",
        "Hur lång är leveranstiden?",
        """\
Vi skickar beställningar som görs **före kl. 14 på vardagar** samma dag.

- **Sverige:** 1–3 arbetsdagar till ombud, 1–2 arbetsdagar hem till dörren.
- **Norge, Danmark och Finland:** 3–5 arbetsdagar.

Under rea och i december kan det ta en dag extra. Du får ett mejl med kollinummer
när paketet har lämnat vårt lager.""",
        (
            "How long does delivery take?",
            """\
Orders placed **before 2 pm on weekdays** ship the same day.

- **Sweden:** 1–3 working days to a pick-up point, 1–2 working days to your door.
- **Norway, Denmark and Finland:** 3–5 working days.

During sales and in December it can take a day longer. You get an email with the
tracking number when the parcel has left our warehouse.""",
        ),
    ),
    (
        "Leverans",
        "Hur spårar jag mitt paket?",
        """\
När paketet skickas får du ett mejl och ett sms med **kollinummer** och en länk till
fraktbolagets spårning. Du kan också se status under *Mina ordrar* på vår webbplats.

Syns ingen rörelse efter två arbetsdagar? Svara på mejlet så tittar vi på det.""",
        (
            "How do I track my parcel?",
            """\
When your parcel ships you get an email and a text message with the **tracking number**
and a link to the carrier's tracking page. You can also see the status under
*My orders* on our website.""",
        ),
    ),
    (
        "Leverans",
        "Julklappar: sista beställningsdag och öppet köp till januari",
        """\
Beställ senast **den 19 december** med vanlig leverans och **den 21 december** med
expressleverans för att få paketet före julafton.

Julklappar köpta från den 1 november har **förlängt öppet köp till den 15 januari**,
så den som får klappen kan byta storlek eller lämna tillbaka den efter jul.""",
        None,
    ),
    (
        "Returer och byten",
        "Hur returnerar jag en vara?",
        """\
Du har **30 dagars öppet köp** från att du hämtade ut paketet.

1. Anmäl returen under *Mina ordrar* eller via länken i orderbekräftelsen.
2. Skriv ut returetiketten (eller visa QR-koden hos ombudet).
3. Lämna paketet hos närmaste ombud.

Returfrakten kostar 59 kr och dras från återbetalningen. Plaggen ska vara oanvända och
ha kvar sina lappar.""",
        (
            "How do I return an item?",
            """\
You have a **30-day right of return** from when you collected the parcel.

1. Register the return under *My orders* or via the link in your order confirmation.
2. Print the return label (or show the QR code at the pick-up point).
3. Drop the parcel off at your nearest pick-up point.

Return shipping costs SEK 59 and is deducted from the refund.""",
        ),
    ),
    (
        "Returer och byten",
        "Kan jag byta till en annan storlek?",
        """\
Ja, byten är **kostnadsfria**. Anmäl ett byte under *Mina ordrar* och välj den nya
storleken. Vi skickar den nya storleken så snart vi har fått tillbaka plagget, eller
direkt om du väljer *snabbyte*.

Osäker på storleken? Varje produktsida har en måttabell.""",
        None,
    ),
    (
        "Returer och byten",
        "När får jag tillbaka mina pengar?",
        """\
Vi återbetalar inom **5 arbetsdagar** efter att returen har kommit fram till vårt lager,
och du får ett mejl med en specifikation: vad du betalade, vad som dras (till exempel
returfrakt 59 kr) och vad som betalas tillbaka.

Pengarna går tillbaka med samma betalsätt som du använde. Med Klarna justeras fakturan.""",
        None,
    ),
    (
        "Returer och byten",
        "Reklamation: varan är trasig eller felaktig",
        """\
Har du fått en trasig vara eller gick den sönder fast du använt den som vanligt? Då har
du rätt att **reklamera** den i tre år enligt konsumentköplagen.

Skicka oss en bild på felet och ditt ordernummer via kontaktformuläret. Vi står för
frakten vid godkänd reklamation och skickar en ny vara eller betalar tillbaka.""",
        None,
    ),
    (
        "Betalning",
        "Vilka betalsätt kan jag använda?",
        """\
Du kan betala med **kort** (Visa, Mastercard), **Swish** och **Klarna** (faktura inom 30
dagar eller delbetalning). Presentkort kan kombineras med alla betalsätt.

Med Klarna får du fakturan från Klarna när paketet har skickats. Frågor om fakturan
besvarar Klarna i sin app.""",
        (
            "Which payment methods can I use?",
            """\
You can pay by **card** (Visa, Mastercard), **Swish** and **Klarna** (invoice within 30
days or instalments). Gift cards can be combined with every payment method.""",
        ),
    ),
    (
        "Betalning",
        "Presentkort",
        """\
Presentkort finns från 200 kr och gäller i **två år**, i webbutiken och i våra butiker.
Ange koden i kassan; blir det pengar över ligger de kvar på kortet.

Ett borttappat presentkort kan vi spärra och ersätta om du har kvittot.""",
        None,
    ),
    (
        "Beställningar",
        "Kan jag ändra eller avbryta min beställning?",
        """\
Inom **en timme** efter beställningen kan du ändra adress, storlek eller avbryta ordern:
svara på orderbekräftelsen eller skriv till oss. Därefter packas ordern och kan inte
ändras, men du kan alltid returnera varorna med öppet köp.""",
        None,
    ),
]


def add_demo_articles(shop) -> int:
    """The demo FAQ for `shop`; returns how many articles were added."""
    if Article.objects.filter(shop=shop).exists():
        return 0
    with transaction.atomic():
        categories = {
            name: services.save_category(shop, name=name, names=names, position=i)
            for i, (name, names) in enumerate(CATEGORIES)
        }
        count = 0
        for position, (category, title, body, english) in enumerate(ARTICLES):
            article = services.create_article(
                shop,
                title=title,
                body=body,
                language="sv",
                category=categories[category],
                position=position,
            )
            count += 1
            if english:
                services.add_translation(
                    article, language="en", title=english[0], body=english[1], published=True
                )
                count += 1
    return count
