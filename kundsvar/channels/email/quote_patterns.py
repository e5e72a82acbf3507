"""Header, separator and signature patterns for quotes.py, by language and mail client.

Data, not logic: add a client's or language's form here. Headers carry a date/time or an
address; quotes.py checks that before trusting a pattern.
"""

from __future__ import annotations

import re

from mailparser_reply.constants import MAIL_LANGUAGES

# --- headers --------------------------------------------------------------------------------------

VERBS = (
    r"(?:wrote|writes|schrieb|skrev|skreiv|a\s+écrit|ha\s+scritto|schreef|escribió|escreveu"
    r"|kirjoitti|napisał\(a\)|napisała|napisał|nadesłał|napsal\(a\)|írta|пишет|написала?"
    r"|написал\(а\)|yazdı)"
)
# "On … wrote:", "… Anna <a@b.se> skrev:", "Le … a écrit :", "… kirjoitti:"
VERB_END = re.compile(rf"(?<!\w){VERBS}\s*:$", re.IGNORECASE)
# "tis 24 nov. 2026 kl. 09:03 skrev Anna <a@b.se>:", "Am 13.12.2017 schrieb Name <x@y>:" – an
# address or a time right before the verb (Thunderbird: "Den 2026-11-23 kl. 10:12, skrev Anna:")
# keeps "Den 20 november skrev jag till er om jackan:" a sentence.
VERB_MID = re.compile(
    r"\d.*\s(?:skrev|skreiv|schrieb|schreef|a\s+écrit)\s+[^:]{0,100}@.{0,60}:$"
    r"|\d[:.]\d\d(?:\s*Uhr)?,?\s+(?:skrev|skreiv|schrieb|schreef)\s+[^:@]{1,80}:$"
)
# "On Wed, 14 Nov 2018 … John <j@d.com> wrote" and Zoho's "---- On … wrote ----"
ON_NO_COLON = re.compile(r"^-*\s*On\s.+\swrote\s*-*$")
# Gmail in languages without a verb: "ср, 30 апр. 2025 г. в 15:19, John <doe@example.com>:"
DATE_ADDR = re.compile(r"<[^<>\s]+@[^<>\s]+>\s*:$")
DATE_OR_TIME = re.compile(r"\d{1,2}[:.]\d{2}|\d{4}")
TIME = re.compile(r"\d{1,2}[:.]\d{2}")
# A header split over lines must start like one; stops "Thanks!\nOn … wrote:" eating "Thanks!".
OPENER_WORD = r"^(?:-+\s*)?(?:On|Le|Am|Den|Op|El|Il|In data|Em|W dniu|Dnia|Dne|På)\b"
OPENER = re.compile(rf"{OPENER_WORD}|^\w{{1,5}}\.?,?\s+\d|^\d")

FROM_KEYS = r"From|Från|Fra|Frá|Von|De|Da|Van|Od|От|Lähettäjä|Mittente|Remitente|Feladó"
# The "Sent:" and "To:" keys of Outlook's From/Sent/To order (a header even without a subject).
SENT_KEYS = (
    r"Sent|Date|Skickat|Datum|Sendt|Dato|Gesendet|Envoyé(?: le)?|Message du|Inviato|Data"
    r"|Verzonden|Wysłano|Отправлено|Дата|Lähetetty|Päivämäärä|Enviado|Enviada|Fecha"
)
TO_KEYS = r"To|Till|Til|An|À|A|Aan|Do|Кому|Vastaanottaja|Para"
OTHER_KEYS = r"Cc|Bcc|Reply-To|Kopia|Kopi|Copie(?: à)?|DW"
SUBJECT_KEYS = (
    r"Subject|Ämne|Emne|Betreff|Objet|Sujet|Oggetto|Onderwerp|Temat|Asunto|Assunto|Aihe|Тема"
)
KEY_LINE = re.compile(
    rf"^\s*\**(?:(?P<from>{FROM_KEYS})|(?P<subject>{SUBJECT_KEYS})|(?P<sent>{SENT_KEYS})"
    rf"|(?P<to>{TO_KEYS})|{OTHER_KEYS})\**\s*:",
    re.IGNORECASE,
)
# "-----Original Message-----", "-------- Oprindelig besked --------", forwarded-message lines.
ORIGINAL = re.compile(
    r"^\s*-{2,}\s*(?:original message|ursprüngliche nachricht|oprindelig (?:meddelelse|besked)"
    r"|opprinnelig melding|ursprungligt meddelande|originalmeddelande|message d'origine"
    r"|message original|messaggio originale|mensaje original|mensagem original"
    r"|oorspronkelijk bericht|alkuperäinen viesti|wiadomość oryginalna|исходное сообщение"
    r"|forwarded message|videresendt (?:meddelelse|besked|melding)|vidarebefordrat meddelande"
    r"|weitergeleitete nachricht|message transféré|messaggio inoltrato|mensaje reenviado"
    r"|doorgestuurd bericht)\s*-*\s*$"
    r"|^\s*(?:begin forwarded message|början på vidarebefordrat meddelande"
    r"|start på videresendt (?:besked|meddelelse)|anfang der weitergeleiteten nachricht"
    r"|début du message réexpédié)\s*:\s*$",
    re.IGNORECASE,
)
RULE = re.compile(r"^\s*[-_=*~]{3,}\s*$")

# --- signatures -----------------------------------------------------------------------------------

SIG_DELIMITER = re.compile(r"^(?:--|__+|—+-?|–)$")
DEVICE = re.compile(
    r"^(?:Sent (?:from|with|using)|Get Outlook for|Skickat från|Hämta Outlook för|Sendt fra"
    r"|Hent Outlook til|Gesendet (?:von|mit)|Von meinem \S+ gesendet"
    r"|Envoyé (?:de|depuis|à partir de)|Inviato da|Enviado (?:desde|de|do)"
    r"|Verzonden (?:vanaf|met)|Verstuurd vanaf|Wysłano z"
    r"|Lähetetty|Отправлено (?:с|из))\b[^.,;!?]{0,60}$",
    re.IGNORECASE,
)
# Sign-off words by language (sv, da/nb, en, de, fr, fi, nl, pl, es, it); longest first wins.
OWN_VALEDICTIONS = (
    "med vänliga hälsningar|med vänlig hälsning|vänliga hälsningar|vänlig hälsning|hälsningar"
    "|bästa hälsningar|hälsning|mvh|allt gott|tack på förhand|stort tack|tack"
    "|med venlig hilsen|venlig hilsen|med vennlig hilsen|vennlig hilsen|beste hilsen"
    "|bedste hilsner|kærlig hilsen|hilsen|vh|kh|på forhånd takk|takk|tak"
    "|best regards|kind regards|warm regards|regards|best wishes|many thanks|thanks again"
    "|thank you|thanks|cheers|yours sincerely|sincerely|yours truly|all the best|best|br"
    "|mit freundlichen grüßen|viele grüße|beste grüße|liebe grüße|grüße|gruß|lg|mfg|danke"
    "|bien cordialement|cordialement|bien à vous|merci|ystävällisin terveisin|terveisin"
    "|met vriendelijke groet|groeten|pozdrawiam|z poważaniem|saludos|atentamente"
    "|cordiali saluti|saluti"
).split("|")
# A bare "Thanks!"/"Tack!" is often the last sentence, not a sign-off: it needs a name below it.
THANKS_ONLY = re.compile(
    r"^(?:many |stort )?(?:thanks|thank you|tack|takk|tak|danke|merci)\b", re.IGNORECASE
)
# "-Abhishek Kona", "/John": a name on its own line under the text.
NAME_SIGNOFF = re.compile(r"^[-/][A-ZÅÄÖÆØÜ][\w.'-]*(?:\s+[\w.'-]+){0,3}$")
# Lines that belong in a sign-off block under the closing: contact details (an address, a phone,
# a web or mail address), a postcode and town, a street and number.
CONTACT = re.compile(
    r"@|https?://|www\.|^(?:tel|tlf|telefon|phone|mobil|mobile|mob|cell|fax|direkt|direct"
    r"|växel|sentralbord|e-?post|e-?mail|mail|web|adress|adresse|address)\b",
    re.IGNORECASE,
)
PHONE = re.compile(r"^\+?[\d\s()./-]{7,}$")
POSTAL = re.compile(r"^(?:[A-Z]{1,2}-)?(?:\d{3}\s?\d{2}|\d{4})\s+\D")
STREET = re.compile(r"^\D+\s\d{1,4}\s?[A-Za-z]?(?:,.*)?$")
# Lines the agent needs wherever they stand: a reference or order number, a postscript.
# ("Head of Customer Service" is a title: the word needs a number on its line.)
REFERENCE = re.compile(
    r"(?=.*\d).*\b(?:order|ordre|ordrenr|ordernr|ordrenummer|ordernummer|bestilling|beställning"
    r"|bestillingsnummer|kund(?:e)?n(?:umme)?r|customer|account|konto|ref|reference|referens"
    r"|referanse|faktura|fakturanummer|fakturanr|invoice|kolli|kollinummer|sporing|tracking"
    r"|sändning|forsendelse|case|ärende|sak|sag)\w*|#\s?\d|^p\.?\s?s\b",
    re.IGNORECASE,
)

# A legal footer's heading line ("Disclaimer", "CONFIDENTIALITY NOTICE") under the text.
DISCLAIMER = re.compile(
    r"^[* ]*(?:disclaimer|confidentiality notice|confidential|ansvarsfriskrivning|sekretess"
    r"|fortrolighed|konfidensialitet|haftungsausschluss|avertissement)[* ]*:?$",
    re.IGNORECASE,
)
LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s")
# Gmail wraps "…<anna@x.no\n>:" so a bare ">:" line ends a header rather than quoting.
HEADER_TAIL = re.compile(r"\s*>+\s*:\s*")


def _valediction_re() -> re.Pattern[str]:
    words = [re.escape(w) for w in OWN_VALEDICTIONS]
    for spec in MAIL_LANGUAGES.values():  # mail-parser-reply's sign-offs ("Pozdrawiam", …)
        for pattern in spec.get("signatures", []):
            if not pattern.startswith("/"):  # its "/\w+" is our name sign-off rule
                words.append(pattern.rstrip(","))
    alts = "|".join(sorted(words, key=len, reverse=True))
    name = r"(?:\s+(?:[A-ZÅÄÖÆØÜ][\w.'-]*|[^\w\s]+)){0,3}"
    return re.compile(rf"^(?:{alts})\s*[,.!:]?{name}\s*[,.!]*$", re.IGNORECASE)


VALEDICTION = _valediction_re()
