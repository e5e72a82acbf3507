"""Client mail as it reaches a Swedish web shop, generated in memory (no files, no network).

Styles of the three clients most customers write from: Outlook (Word HTML with MsoNormal,
conditional comments, a "Från:/Skickat:" header block above the quoted history), Gmail
(div dir=ltr, gmail_quote) and Apple Mail (blockquote type=cite), plus plain text from
phones. Each is multipart/alternative with the history quoted below the new text; Swedish
and English; about 6 % carry a PDF receipt or a JPEG photo; replies to earlier cases
carry In-Reply-To and References.
"""

import html
import random
import textwrap
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

QUESTIONS_SV = [
    "Hej! Jag beställde en vinterjacka i fredags, order {order}. När kan jag räkna med "
    "leverans? Jag behöver den till helgen eftersom vi ska åka till fjällen.",
    "Hej, paketet har inte kommit fram fast det stod levererat i går. Kollinummer {track}. "
    "Jag har letat i trapphuset och frågat grannarna men ingen har sett det.",
    "Skorna var för små. Hur gör jag en retur och vad kostar returfrakten? Kan jag byta "
    "till en storlek större i stället?",
    "Jag har blivit dragen två gånger för samma order {order}! Kan ni kolla och betala "
    "tillbaka det ena beloppet så snart som möjligt?",
    "Går det att ändra leveransadressen på order {order}? Vi har flyttat till Storgatan 12 i Umeå.",
    "Hinner jag få en beställning före julafton om jag beställer i dag? Det är en present "
    "till min dotter.",
    "Lampan kom trasig, glaset var krossat. Bifogar bild. Order {order}. Vill ha en ny "
    "skickad, inte pengarna tillbaka.",
    "Mitt personnummer är 19121212-1212 om ni behöver det för fakturan från Klarna.",
    "Har ni jackan i storlek M i grönt igen snart? Den har varit slut länge.",
]
QUESTIONS_EN = [
    "Hi, I ordered a pair of boots last week (order {order}) and the tracking has not "
    "moved for four days. Could you check with the carrier?",
    "Hello! I would like to return the sweater from order {order}, it is too big. "
    "Do I need to print a label myself?",
    "Hi there, I was charged twice for order {order}. Please refund the duplicate payment.",
    "Can you deliver to Norway? I could not find Norway in the list of countries at checkout.",
    "The lamp arrived broken, photo attached. Order {order}. What do I do now?",
]
FOLLOW_UPS_SV = [
    "Tack för svaret! Men när kommer återbetalningen?",
    "Hej igen, jag har fortfarande inte fått något paket.",
    "Okej, jag skickar tillbaka den i dag. Behöver jag skriva ut en etikett?",
    "Glömde att säga: ordernumret står i mejlet nedan.",
]
FOLLOW_UPS_EN = [
    "Thanks! But when will I get the refund?",
    "Hi again, the parcel still has not arrived.",
    "Great, I will send it back tomorrow. Is the label in the parcel?",
]
NAMES = [
    "Karin Lindqvist",
    "Erik Johansson",
    "Sofia Berg",
    "Mohammed Ali",
    "Lena Nyström",
    "Oskar Holm",
    "Maja Ek",
    "Johan Sandberg",
    "Aino Virtanen",
    "Elsa Wikström",
    "Emma Carlsson",
    "William Andersson",
    "Noah Persson",
    "Alice Svensson",
]
DOMAINS = ["gmail.com", "hotmail.com", "outlook.com", "icloud.com", "telia.com", "live.se"]
STYLES = ["outlook", "gmail", "apple", "plain"]
STYLE_WEIGHTS = [35, 35, 20, 10]
_R = random.Random(1)
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    + bytes(_R.randrange(256) for _ in range(40_000))
    + b"\n%%EOF\n"
)
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00H\x00H\x00\x00"
    + bytes(_R.randrange(256) for _ in range(180_000))
    + b"\xff\xd9"
)
ORDER_CONFIRMATION = (
    "Tack för din beställning!\n\nOrdernummer: {order}\nVinterjacka Fjäll, grön, M  1 st  "
    "1 499 kr\nFrakt: 49 kr\nTotalt: 1 548 kr\n\nVi skickar ett mejl när paketet lämnar "
    "vårt lager. Frågor? Svara på det här mejlet."
)


def customer(i: int) -> tuple[str, str]:
    name = NAMES[i % len(NAMES)]
    local = name.lower().replace(" ", ".").translate(str.maketrans("åäöé", "aaoe"))
    # Customers write from the mail providers people use, not all from one company
    # domain (which the loop limits would rightly slow down).
    return name, f"{local}{i}@{DOMAINS[i % len(DOMAINS)]}"


class Generator:
    """Mail for one bench run; `sent` keeps each question's Message-ID, so some later
    questions are second mails on an earlier case (References to the customer's own)."""

    def __init__(self, seed: int, shop_name: str, shop_address: str, now):
        self.rng = random.Random(seed)
        self.shop = formataddr((shop_name, shop_address))
        self.now = now
        self.sent: list[tuple[str, str, str, str]] = []  # (from, subject, msgid, text)

    def question(self, i: int) -> bytes:
        rng = self.rng
        english = rng.random() < 0.25
        name, address = customer(rng.randrange(10_000_000))
        text = rng.choice(QUESTIONS_EN if english else QUESTIONS_SV).format(
            order=100000 + i, track=f"0037073025387{i:07d}"
        )
        subject = rng.choice(
            ["Order {o}", "Where is my order?", "Return"]
            if english
            else ["Fråga om order {o}", "Leverans", "Retur", "Min order", "Reklamation", ""]
        ).format(o=100000 + i)
        if self.sent and rng.random() < 0.08:
            # A second mail on an earlier question, written as a reply to their own.
            sender, subject, msgid, earlier = self.sent[rng.randrange(len(self.sent))]
            name, address = sender.rsplit(" <", 1)[0], sender.rsplit("<", 1)[1].rstrip(">")
            quoted = (sender, earlier)
            references = msgid
            subject = f"Re: {subject}" if subject else "Re:"
            text = rng.choice(FOLLOW_UPS_EN if english else FOLLOW_UPS_SV)
        else:
            # Many first mails quote the order confirmation they are about.
            quoted = (self.shop, ORDER_CONFIRMATION.format(order=100000 + i))
            references = ""
            if rng.random() < 0.5:
                quoted = None
        sender = formataddr((name, address))
        message = self._message(sender, self.shop, subject, text, quoted, english)
        if references:
            message["In-Reply-To"] = references
            message["References"] = references
        if rng.random() < 0.06:
            self._attach(message, english)
        # str(): the header object keeps its parse tree (some 13 kB a message), which made
        # the bench's own memory grow with every question and counted in the pipeline's RSS.
        self.sent.append((sender, subject, str(message["Message-ID"]), text))
        return message.as_bytes()

    def reply(self, ack) -> bytes:
        """A customer's answer to our acknowledgement, its text quoted below."""
        original = ack.get_body(("plain",)).get_content()
        english = "Hi" in original[:200] or "case" in original[:400]
        text = self.rng.choice(FOLLOW_UPS_EN if english else FOLLOW_UPS_SV)
        subject = str(ack["Subject"])
        message = self._message(
            str(ack["To"]),
            str(ack["From"]),
            subject if subject.lower().startswith("re:") else f"Re: {subject}",
            text,
            (str(ack["From"]), original),
            english,
        )
        message["In-Reply-To"] = ack["Message-ID"]
        message["References"] = " ".join(
            [*str(ack.get("References", "")).split(), str(ack["Message-ID"])]
        )
        if self.rng.random() < 0.06:
            self._attach(message, english)
        return message.as_bytes()

    # -- the clients -----------------------------------------------------------------

    def _message(self, sender, to, subject, text, quoted, english) -> EmailMessage:
        style = self.rng.choices(STYLES, STYLE_WEIGHTS)[0]
        name = sender.split(" <")[0].strip('"')
        signature = f"{'Best regards' if english else 'Med vänliga hälsningar'}\n{name}"
        message = EmailMessage()
        message["From"] = sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = format_datetime(self.now())
        message["Message-ID"] = make_msgid(domain=_msgid_domain(style, sender))
        message["MIME-Version"] = "1.0"
        plain, body_html = getattr(self, f"_{style}")(text, signature, quoted, english, message)
        message.set_content(plain, cte="quoted-printable")
        if body_html:
            message.add_alternative(body_html, subtype="html", cte="quoted-printable")
        return message

    def _attribution(self, quoted, english, style: str) -> str:
        who = quoted[0]
        if style == "gmail":
            return (
                f"On Mon, 23 Nov 2026 at 10:12, {who} wrote:"
                if english
                else f"Den mån 23 nov. 2026 kl 10:12 skrev {who}:"
            )
        return f"{'On 23 Nov 2026, at 10:12' if english else '23 nov. 2026 kl. 10:12'}, {who}:"

    def _outlook(self, text, signature, quoted, english, message):
        message["Thread-Topic"] = str(message["Subject"])
        message["Thread-Index"] = "AdnB" + "".join(self.rng.choices("ABCDEFabcdef0123456789", k=24))
        message["X-MS-Has-Attach"] = ""
        message["Content-Language"] = "en-US" if english else "sv-SE"
        labels = (
            ("From", "Sent", "To", "Subject") if english else ("Från", "Skickat", "Till", "Ämne")
        )
        plain = f"{text}\n\n{signature}\n"
        paragraphs = "".join(
            f"<p class=MsoNormal>{html.escape(line)}<o:p></o:p></p>\n"
            for line in [*textwrap.wrap(text, 80), "&nbsp;", *signature.splitlines()]
        ).replace("&amp;nbsp;", "&nbsp;")
        history = ""
        if quoted:
            head = (
                f"{labels[0]}: {quoted[0]}\n{labels[1]}: den 23 november 2026 10:12\n"
                f"{labels[2]}: {message['From']}\n{labels[3]}: {message['Subject']}\n"
            )
            plain += f"\n{head}\n{quoted[1]}\n"
            history = (
                "<div><div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt "
                "0cm 0cm 0cm'><p class=MsoNormal><b><span lang=SV>"
                + "<br>".join(
                    f"{label}:</span></b><span lang=SV> {html.escape(value)}"
                    for label, value in zip(
                        labels,
                        [quoted[0], "den 23 november 2026 10:12", str(message["From"]), "…"],
                        strict=True,
                    )
                )
                + "<o:p></o:p></span></p></div></div>\n<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n"
                + "".join(
                    f"<p class=MsoNormal>{html.escape(line) or '<o:p>&nbsp;</o:p>'}</p>\n"
                    for line in quoted[1].splitlines()
                )
            )
        body = (
            '<html xmlns:v="urn:schemas-microsoft-com:vml" '
            'xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:w="urn:schemas-microsoft-com:office:word" '
            'xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" '
            'xmlns="http://www.w3.org/TR/REC-html40"><head>'
            '<meta http-equiv=Content-Type content="text/html; charset=utf-8">'
            '<meta name=Generator content="Microsoft Word 15 (filtered medium)">'
            "<!--[if !mso]><style>v\\:* {behavior:url(#default#VML);}\n"
            "o\\:* {behavior:url(#default#VML);}\n</style><![endif]-->"
            '<style><!--\n/* Font Definitions */\n@font-face\n\t{font-family:"Cambria Math";'
            "\n\tpanose-1:2 4 5 3 5 4 6 3 2 4;}\n@font-face\n\t{font-family:Calibri;\n\t"
            "panose-1:2 15 5 2 2 2 4 3 2 4;}\n/* Style Definitions */\np.MsoNormal, "
            "li.MsoNormal, div.MsoNormal\n\t{margin:0cm;\n\tfont-size:11.0pt;\n\t"
            'font-family:"Calibri",sans-serif;\n\tmso-fareast-language:EN-US;}\n'
            "a:link, span.MsoHyperlink\n\t{mso-style-priority:99;\n\tcolor:#0563C1;\n\t"
            "text-decoration:underline;}\nspan.E-postmall17\n\t{mso-style-type:personal-"
            'compose;\n\tfont-family:"Calibri",sans-serif;\n\tcolor:windowtext;}\n'
            ".MsoChpDefault\n\t{mso-style-type:export-only;\n\tfont-size:10.0pt;}\n"
            "@page WordSection1\n\t{size:612.0pt 792.0pt;\n\tmargin:72.0pt 72.0pt 72.0pt "
            "72.0pt;}\ndiv.WordSection1\n\t{page:WordSection1;}\n--></style>"
            '<!--[if gte mso 9]><xml>\n<o:shapedefaults v:ext="edit" spidmax="1026" />\n'
            '</xml><![endif]--><!--[if gte mso 9]><xml>\n<o:shapelayout v:ext="edit">\n'
            '<o:idmap v:ext="edit" data="1" />\n</o:shapelayout></xml><![endif]--></head>'
            '<body lang=SV link="#0563C1" vlink="#954F72" style=\'word-wrap:break-word\'>'
            f"<div class=WordSection1>\n{paragraphs}{history}</div></body></html>"
        )
        return plain, body

    def _gmail(self, text, signature, quoted, english, message):
        plain = f"{text}\n\n{signature}\n"
        body = (
            f'<div dir="ltr">{html.escape(text)}<div><br></div><div>'
            f"{html.escape(signature).replace(chr(10), '<br>')}</div></div>"
        )
        if quoted:
            attribution = self._attribution(quoted, english, "gmail")
            plain += f"\n{attribution}\n\n" + "".join(
                f"> {line}\n" if line else ">\n" for line in quoted[1].splitlines()
            )
            body += (
                '<br><div class="gmail_quote gmail_quote_container"><div dir="ltr" '
                f'class="gmail_attr">{html.escape(attribution)}<br></div><blockquote '
                'class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid '
                'rgb(204,204,204);padding-left:1ex">'
                + "<br>".join(html.escape(line) for line in quoted[1].splitlines())
                + "</blockquote></div>"
            )
        return plain, body

    def _apple(self, text, signature, quoted, english, message):
        message["X-Mailer"] = "iPhone Mail (22B91)"
        plain = f"{text}\n\n{signature}\n"
        body = (
            '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8">'
            '</head><body dir="auto" style="overflow-wrap: break-word; -webkit-nbsp-mode: '
            f'space; line-break: after-white-space;"><div dir="ltr">{html.escape(text)}</div>'
            f'<div dir="ltr"><br></div><div dir="ltr">'
            f"{html.escape(signature).replace(chr(10), '<br>')}</div>"
        )
        if quoted:
            attribution = self._attribution(quoted, english, "apple")
            plain += f"\n{attribution}\n\n" + "".join(
                f"> {line}\n" for line in quoted[1].splitlines()
            )
            body += (
                f'<div dir="ltr"><br><blockquote type="cite">{html.escape(attribution)}'
                '<br><br></blockquote></div><blockquote type="cite"><div dir="ltr">'
                + "".join(
                    f"<div>{html.escape(line) or '<br>'}</div>" for line in quoted[1].splitlines()
                )
                + "</div></blockquote>"
            )
        return plain, body + "</body></html>"

    def _plain(self, text, signature, quoted, english, message):
        plain = f"{text}\n\n{'Skickat från min iPhone' if not english else 'Sent from my phone'}\n"
        if quoted:
            attribution = self._attribution(quoted, english, "gmail")
            plain += f"\n{attribution}\n" + "".join(
                f"> {line}\n" for line in quoted[1].splitlines()
            )
        return plain, ""

    def _attach(self, message: EmailMessage, english: bool) -> None:
        if self.rng.random() < 0.5:
            message.add_attachment(
                PDF, maintype="application", subtype="pdf", filename="kvitto.pdf"
            )
        else:
            message.add_attachment(JPEG, maintype="image", subtype="jpeg", filename="IMG_4711.jpeg")


def _msgid_domain(style: str, sender: str) -> str:
    if style == "outlook":
        return "EUR03.prod.outlook.com"
    if style == "gmail":
        return "mail.gmail.com"
    return sender.rpartition("@")[2].rstrip(">")
