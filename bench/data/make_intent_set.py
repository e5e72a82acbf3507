"""Writes intent_set.jsonl: the labelled set bench/intent.py scores intent detection on.

Hand-written customer questions for a Nordic web shop, per topic (the nine default
topics of kundsvar.topics.defaults) and language (sv, nb, da, en), written as customers
write them: often no subject, chatty openings, order and tracking numbers, signatures.
Each question is used twice (Swedish three times: a Swedish shop) with a different
opening, closing and subject line, and about half of the copies get typos (letters
swapped, dropped, doubled) or lose their
å/ä/ö/ø/æ, as phone keyboards and foreign keyboards do. Fixed seed: the file is the
same each time. Run from the project root: python bench/data/make_intent_set.py
"""

import json
import random
from pathlib import Path

Q = {
    "order_status": {
        "sv": [
            "Jag beställde för 9 dagar sedan och har fortfarande inte fått något. Order {o}.",
            "Paketet står som levererat men det finns inget i brevlådan eller hos grannarna",
            "Spårningen har stått still sedan i måndag, vad händer med mitt paket {t}?",
            "När kommer mina grejer?? Har väntat över en vecka nu",
            "Har ni skickat min beställning än? Fick orderbekräftelse men inget mer",
            "Jag har fått avisering men paketet finns inte på ombudet",
            "Kollinumret {t} funkar inte på postnords sida, var är paketet",
            "Undrar bara var min order {o} befinner sig, den skulle ha kommit i fredags",
        ],
        "nb": [
            "Jeg bestilte for ti dager siden og har ikke fått noe enda. Ordre {o}.",
            "Pakken står som levert men den er ikke i postkassen",
            "Sporingen har ikke oppdatert seg siden mandag, hvor er pakken {t}?",
            "Når kommer varene mine? Har ventet over en uke",
            "Har dere sendt bestillingen min? Fikk bekreftelse men ikke noe mer",
            "Fikk hentelapp men pakken er ikke på posten",
            "Hvor er ordren min {o}, den skulle ha kommet på fredag",
        ],
        "da": [
            "Jeg bestilte for ti dage siden og har stadig ikke modtaget noget. Ordre {o}.",
            "Pakken står som leveret men den er ikke i min postkasse",
            "Sporingen har ikke ændret sig siden mandag, hvor er min pakke {t}?",
            "Hvornår kommer mine varer? Har ventet over en uge",
            "Har I sendt min bestilling? Fik en bekræftelse men intet andet",
            "Pakken er ikke i pakkeshoppen selvom jeg fik besked",
            "Hvor er min ordre {o}, den skulle være kommet i fredags",
        ],
        "en": [
            "I ordered 9 days ago and still haven't received anything. Order {o}.",
            "The parcel says delivered but there is nothing in my mailbox",
            "Tracking hasn't updated since Monday, where is my package {t}?",
            "When will my stuff arrive? It's been over a week",
            "Have you shipped my order yet? Got the confirmation but nothing since",
            "I got a notice but the parcel is not at the pickup point",
            "Where is order {o}? It was supposed to arrive on Friday",
        ],
    },
    "delivery_time": {
        "sv": [
            "Hur lång leveranstid har ni till Kiruna?",
            "Om jag beställer idag, hinner det komma innan lördag?",
            "Vad är sista dag att beställa för att få det före jul?",
            "Står 2-5 dagar på sidan, stämmer det även för skrymmande varor?",
            "Skickar ni med express? Jag behöver soffbordet snabbt",
            "Hur många dagar tar det att få hem en beställning till Gotland",
            "Klänningen står som beställningsvara, hur lång tid tar det då?",
            "Levererar ni på helger?",
        ],
        "nb": [
            "Hvor lang leveringstid har dere til Tromsø?",
            "Hvis jeg bestiller i dag, rekker det å komme før lørdag?",
            "Hva er siste dag å bestille for å få det før jul?",
            "Sender dere med ekspress? Trenger bordet raskt",
            "Hvor mange dager tar det å få levert til Bergen",
            "Kjolen er bestillingsvare, hvor lang tid tar det da?",
        ],
        "da": [
            "Hvor lang leveringstid har I til Aalborg?",
            "Hvis jeg bestiller i dag, når jeg at få det inden lørdag?",
            "Hvad er sidste dag at bestille for at få det inden jul?",
            "Sender I med ekspres? Jeg har brug for bordet hurtigt",
            "Hvor mange dage tager det at få leveret til Bornholm",
            "Kjolen er en bestillingsvare, hvor lang tid tager det så?",
        ],
        "en": [
            "How long does shipping take to Finland?",
            "If I order today will it arrive before Saturday?",
            "What's the last day to order to get it before Christmas?",
            "Do you offer express shipping? I need the table quickly",
            "How many days does delivery to the UK usually take",
            "The dress says made to order, how long will that take?",
        ],
    },
    "return": {
        "sv": [
            "Jag vill skicka tillbaka byxorna, de var för korta. Order {o}",
            "Hur returnerar jag? Hittar ingen retursedel i paketet",
            "Kan jag byta tröjan mot en större storlek?",
            "Ångrar mitt köp av stolen, går det att returnera fast kartongen är öppnad?",
            "Jag vill göra en retur på två av tre par skor i order {o}",
            "Vad kostar det att returnera och hur lång tid har jag på mig?",
            "Skorna passade inte, vill lämna tillbaka dem",
            "Har skickat tillbaka klänningen, ska jag fylla i något formulär?",
        ],
        "nb": [
            "Jeg vil sende tilbake buksene, de var for korte. Ordre {o}",
            "Hvordan returnerer jeg? Finner ingen returlapp i pakken",
            "Kan jeg bytte genseren til en større størrelse?",
            "Angrer på kjøpet av stolen, kan jeg returnere selv om esken er åpnet?",
            "Skoene passet ikke, vil levere dem tilbake",
            "Hva koster det å returnere og hvor lang tid har jeg?",
        ],
        "da": [
            "Jeg vil sende bukserne tilbage, de var for korte. Ordre {o}",
            "Hvordan returnerer jeg? Kan ikke finde en returseddel i pakken",
            "Kan jeg bytte trøjen til en større størrelse?",
            "Jeg har fortrudt købet af stolen, kan jeg returnere selvom æsken er åbnet?",
            "Skoene passede ikke, jeg vil gerne aflevere dem tilbage",
            "Hvad koster det at returnere og hvor lang tid har jeg?",
        ],
        "en": [
            "I want to send the trousers back, they're too short. Order {o}",
            "How do I return something? There was no return slip in the box",
            "Can I exchange the sweater for a bigger size?",
            "I changed my mind about the chair, can I return it even though the box is opened?",
            "The shoes didn't fit, I'd like to return them",
            "How much does a return cost and how long do I have?",
        ],
    },
    "refund": {
        "sv": [
            "Jag returnerade jackan för tre veckor sedan men har inte fått pengarna än",
            "När kommer min återbetalning? Order {o}",
            "Ni har bekräftat att returen kommit fram men inga pengar på kontot",
            "Fick bara tillbaka 200 kr men betalade 499, varför?",
            "Ordern avbokades men beloppet är fortfarande reserverat på kortet",
            "Hur lång tid tar det innan pengarna syns på kontot efter retur",
            "Har inte fått någon kreditering från Klarna trots att ni fått tillbaka varan",
        ],
        "nb": [
            "Jeg returnerte jakken for tre uker siden men har ikke fått pengene",
            "Når kommer tilbakebetalingen min? Ordre {o}",
            "Dere har bekreftet returen men ingen penger på kontoen",
            "Fikk bare tilbake 200 kr men betalte 499, hvorfor?",
            "Hvor lang tid tar det før pengene kommer etter retur",
            "Har ikke fått refusjon selv om dere har mottatt varen",
        ],
        "da": [
            "Jeg returnerede jakken for tre uger siden men har ikke fået pengene",
            "Hvornår kommer min tilbagebetaling? Ordre {o}",
            "I har bekræftet returen men der er ingen penge på kontoen",
            "Fik kun 200 kr tilbage men betalte 499, hvorfor?",
            "Hvor lang tid går der før pengene er på kontoen efter en retur",
            "Har ikke fået refusion selvom I har modtaget varen",
        ],
        "en": [
            "I returned the jacket three weeks ago but still no money",
            "When will I get my refund? Order {o}",
            "You confirmed the return arrived but nothing in my account",
            "I only got 200 kr back but paid 499, why?",
            "How long until the money shows up after a return",
            "Haven't been refunded even though you received the item",
        ],
    },
    "faulty_item": {
        "sv": [
            "Vasen var krossad när jag öppnade paketet. Bild bifogad. Order {o}",
            "Dragkedjan på jackan gick sönder efter två dagar",
            "Jag fick fel färg, beställde svart men fick blå",
            "Det saknas en skruv i paketet så jag kan inte montera hyllan",
            "Hörlurarna fungerar inte, ena sidan är helt tyst",
            "Vill reklamera skorna, sulan har lossnat efter en vecka",
            "Kaffebryggaren läcker vatten, den är bara en månad gammal",
            "Tröjan hade ett hål vid sömmen redan när den kom",
        ],
        "nb": [
            "Vasen var knust da jeg åpnet pakken. Bilde vedlagt. Ordre {o}",
            "Glidelåsen på jakken røk etter to dager",
            "Jeg fikk feil farge, bestilte svart men fikk blå",
            "Det mangler en skrue så jeg får ikke montert hylla",
            "Hodetelefonene virker ikke, den ene siden er stille",
            "Vil reklamere på skoene, sålen har løsnet etter en uke",
        ],
        "da": [
            "Vasen var knust da jeg åbnede pakken. Billede vedhæftet. Ordre {o}",
            "Lynlåsen på jakken gik i stykker efter to dage",
            "Jeg fik den forkerte farve, bestilte sort men fik blå",
            "Der mangler en skrue så jeg kan ikke samle reolen",
            "Høretelefonerne virker ikke, den ene side er helt stille",
            "Vil reklamere over skoene, sålen er gået løs efter en uge",
        ],
        "en": [
            "The vase was smashed when I opened the box. Photo attached. Order {o}",
            "The zipper on the jacket broke after two days",
            "I got the wrong colour, ordered black but received blue",
            "There's a screw missing so I can't assemble the shelf",
            "The headphones don't work, one side is completely silent",
            "The sole came off my shoes after one week, I want to make a claim",
        ],
    },
    "change_cancel": {
        "sv": [
            "Jag vill avbeställa order {o}, råkade beställa två gånger",
            "Kan jag ändra storlek på byxorna i min order innan ni skickar?",
            "Snälla stoppa min beställning, jag har ångrat mig",
            "Fel leveransadress på ordern! Ska vara Björkvägen 3, 90331 Umeå",
            "Går det att lägga till en mössa i ordern jag gjorde nyss?",
            "Vill annullera köpet jag gjorde i morse",
            "Kan ni byta leveranssätt till hemleverans på order {o}",
        ],
        "nb": [
            "Jeg vil kansellere ordre {o}, bestilte to ganger ved en feil",
            "Kan jeg endre størrelse på buksene før dere sender?",
            "Vær så snill å stoppe bestillingen min, jeg har angret",
            "Feil leveringsadresse på ordren! Skal være Bjørkveien 3, 0150 Oslo",
            "Er det mulig å legge til en lue i ordren jeg nettopp la inn?",
            "Vil avbestille kjøpet jeg gjorde i morges",
        ],
        "da": [
            "Jeg vil annullere ordre {o}, kom til at bestille to gange",
            "Kan jeg ændre størrelsen på bukserne inden I sender?",
            "Stop venligst min bestilling, jeg har fortrudt",
            "Forkert leveringsadresse på ordren! Skal være Birkevej 3, 8000 Aarhus",
            "Kan jeg tilføje en hue til ordren jeg lige har lagt?",
            "Vil gerne afbestille købet jeg lavede i morges",
        ],
        "en": [
            "I want to cancel order {o}, I accidentally ordered twice",
            "Can I change the size of the trousers before you ship?",
            "Please stop my order, I changed my mind",
            "Wrong delivery address on my order! It should be 3 Birch Road",
            "Is it possible to add a hat to the order I just placed?",
            "I'd like to cancel the purchase I made this morning",
        ],
    },
    "payment": {
        "sv": [
            "Jag har fått en påminnelse från Klarna men jag har ju betalat",
            "Swish-betalningen gick inte igenom men pengarna drogs ändå",
            "Kan jag få ett kvitto med moms till företaget?",
            "Rabattkoden VINTER20 fungerar inte i kassan",
            "Varför har jag debiterats två gånger för samma köp?",
            "Går det att dela upp betalningen?",
            "Fakturan har fel namn, kan ni skicka en ny",
        ],
        "nb": [
            "Jeg har fått purring fra Klarna men jeg har jo betalt",
            "Vipps-betalingen feilet men pengene ble trukket likevel",
            "Kan jeg få kvittering med mva til firmaet?",
            "Rabattkoden VINTER20 virker ikke i kassen",
            "Hvorfor er jeg belastet to ganger for samme kjøp?",
            "Fakturaen har feil navn, kan dere sende en ny",
        ],
        "da": [
            "Jeg har fået en rykker fra Klarna men jeg har jo betalt",
            "MobilePay-betalingen fejlede men pengene blev trukket alligevel",
            "Kan jeg få en kvittering med moms til firmaet?",
            "Rabatkoden VINTER20 virker ikke i kassen",
            "Hvorfor er jeg blevet trukket to gange for samme køb?",
            "Fakturaen har forkert navn, kan I sende en ny",
        ],
        "en": [
            "I got a reminder from Klarna but I already paid",
            "The payment failed but the money was taken anyway",
            "Can I get a receipt with VAT for my company?",
            "The discount code WINTER20 doesn't work at checkout",
            "Why was my card charged twice for the same purchase?",
            "The invoice has the wrong name, can you send a new one",
        ],
    },
    "product_question": {
        "sv": [
            "Är jackan vattentät eller bara vattenavvisande?",
            "Vilken storlek ska jag ta om jag brukar ha 38 i jeans?",
            "Tål pannan induktionshäll?",
            "Vad är måtten på soffan, får den plats i en hiss?",
            "Är tröjan i ull eller akryl?",
            "Passar laddaren till en iPhone 15?",
            "Kommer ni få in sneakersen i storlek 42 igen?",
            "Kan man tvätta överdraget på 60 grader",
        ],
        "nb": [
            "Er jakken vanntett eller bare vannavvisende?",
            "Hvilken størrelse bør jeg ta hvis jeg bruker 38 i jeans?",
            "Tåler pannen induksjon?",
            "Hva er målene på sofaen?",
            "Er genseren i ull eller akryl?",
            "Passer laderen til iPhone 15?",
        ],
        "da": [
            "Er jakken vandtæt eller kun vandafvisende?",
            "Hvilken størrelse skal jeg tage hvis jeg bruger 38 i jeans?",
            "Kan panden bruges på induktion?",
            "Hvad er målene på sofaen?",
            "Er trøjen af uld eller akryl?",
            "Passer opladeren til en iPhone 15?",
        ],
        "en": [
            "Is the jacket waterproof or just water resistant?",
            "What size should I get if I'm usually a 38 in jeans?",
            "Does the pan work on induction?",
            "What are the dimensions of the sofa?",
            "Is the sweater wool or acrylic?",
            "Will the charger work with an iPhone 15?",
        ],
    },
    "other": {
        "sv": [
            "Hur avslutar jag nyhetsbrevet? Får tre mejl om dagen",
            "Jag vill att ni raderar alla mina uppgifter enligt GDPR",
            "Kommer inte in på mitt konto, lösenordet funkar inte",
            "Har ni en fysisk butik i Göteborg?",
            "Vi är ett företag som vill sälja era produkter, vem kan jag prata med?",
            "Bara ville säga att ni har fantastisk service, tack!",
            "Hur använder jag mitt presentkort?",
        ],
        "nb": [
            "Hvordan melder jeg meg av nyhetsbrevet? Får tre e-poster om dagen",
            "Jeg vil at dere sletter alle opplysningene mine etter GDPR",
            "Kommer ikke inn på kontoen min, passordet virker ikke",
            "Har dere en fysisk butikk i Oslo?",
            "Ville bare si at dere har fantastisk service, takk!",
            "Hvordan bruker jeg gavekortet mitt?",
        ],
        "da": [
            "Hvordan framelder jeg nyhedsbrevet? Får tre mails om dagen",
            "Jeg vil have at I sletter alle mine oplysninger efter GDPR",
            "Kan ikke logge ind på min konto, adgangskoden virker ikke",
            "Har I en fysisk butik i København?",
            "Ville bare sige at I har fantastisk service, tak!",
            "Hvordan bruger jeg mit gavekort?",
        ],
        "en": [
            "How do I unsubscribe from the newsletter? I get three emails a day",
            "Please delete all my personal data under GDPR",
            "I can't log in to my account, the password doesn't work",
            "Do you have a physical store in Stockholm?",
            "Just wanted to say your service is amazing, thanks!",
            "How do I use my gift card?",
        ],
    },
}

OPEN = {
    "sv": ["Hej!", "Hej,", "Hejsan", "Hallå", "", "", "God morgon!", "Hej kundtjänst"],
    "nb": ["Hei!", "Hei,", "Hallo", "", "", "God morgen!"],
    "da": ["Hej!", "Hej,", "Hejsa", "", "", "Godmorgen!"],
    "en": ["Hi!", "Hello,", "Hi there", "", "", "Good morning,", "Dear customer service,"],
}
CLOSE = {
    "sv": [
        "Mvh Anna",
        "Tack på förhand!",
        "/Erik",
        "Hälsningar Lena Svensson",
        "",
        "Skickat från min iPhone",
    ],
    "nb": ["Mvh Kari", "Takk på forhånd!", "Hilsen Ola Nordmann", "", "Sendt fra min iPhone"],
    "da": ["Mvh Mette", "På forhånd tak!", "Venlig hilsen Jens", "", "Sendt fra min iPhone"],
    "en": ["Thanks, Sam", "Thanks in advance!", "Best regards, Emma", "", "Sent from my iPhone"],
}
SUBJECTS = {
    "sv": ["Fråga", "Order", "hjälp", "Angående min beställning", "(inget ämne)"],
    "nb": ["Spørsmål", "Ordre", "hjelp", "Angående bestillingen min"],
    "da": ["Spørgsmål", "Ordre", "hjælp", "Vedrørende min bestilling"],
    "en": ["Question", "Order", "help", "Regarding my order"],
}
PLAIN = str.maketrans("åäöøæÅÄÖØÆ", "aaooaAAOOA")


def typo(text: str, rng: random.Random) -> str:
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    for i in rng.sample(long, min(len(long), rng.choice([1, 1, 2]))):
        w, j = words[i], rng.randrange(1, len(words[i]) - 1)
        kind = rng.choice(["swap", "drop", "double"])
        if kind == "swap":
            w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        elif kind == "drop":
            w = w[:j] + w[j + 1 :]
        else:
            w = w[:j] + w[j] + w[j:]
        words[i] = w
    return " ".join(words)


def main() -> None:
    rng = random.Random(14)
    rows = []
    for topic, by_language in Q.items():
        for language, questions in by_language.items():
            for question in questions:
                for copy in range(3 if language == "sv" else 2):
                    text = question.format(
                        o=rng.randrange(100000, 999999), t=f"00370{rng.randrange(10**8, 10**9)}"
                    )
                    if copy and rng.random() < 0.6:
                        text = typo(text, rng)
                    if rng.random() < 0.2:
                        text = text.translate(PLAIN)
                    if rng.random() < 0.25:
                        text = text.lower()
                    body = "\n\n".join(
                        p
                        for p in (rng.choice(OPEN[language]), text, rng.choice(CLOSE[language]))
                        if p
                    )
                    subject = rng.choice(SUBJECTS[language]) if rng.random() < 0.35 else ""
                    rows.append(
                        {"topic": topic, "language": language, "subject": subject, "text": body}
                    )
    rng.shuffle(rows)
    out = Path(__file__).with_name("intent_set.jsonl")
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} messages → {out}")


if __name__ == "__main__":
    main()
