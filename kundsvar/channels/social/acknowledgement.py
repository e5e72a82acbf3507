"""The automatic answer to a customer's message on Messenger, Instagram or WhatsApp:
short, as chat messages are, in the customer's language (Swedish when unknown), with the
case number (A1) and when the answer comes as a concrete local time (A4)."""

from kundsvar.core.language import promise_language
from kundsvar.sla.promise import promise_text

TEXTS = {
    "sv": {
        "new": "Tack för ditt meddelande! Ditt ärendenummer är {number}.",
        "follow_up": "Tack, vi har fått ditt meddelande i ärende {number}.",
        "promise": "Du får svar från oss {promise}.",
    },
    "nb": {
        "new": "Takk for meldingen din! Saksnummeret ditt er {number}.",
        "follow_up": "Takk, vi har mottatt meldingen din i sak {number}.",
        "promise": "Du får svar fra oss {promise}.",
    },
    "da": {
        "new": "Tak for din besked! Dit sagsnummer er {number}.",
        "follow_up": "Tak, vi har modtaget din besked i sag {number}.",
        "promise": "Du får svar fra os {promise}.",
    },
    "en": {
        "new": "Thank you for your message! Your case number is {number}.",
        "follow_up": "Thank you, we have received your message on case {number}.",
        "promise": "You will get an answer from us {promise}.",
    },
}


def text(case, message) -> str:
    words = TEXTS[promise_language(case.language)]
    lines = [
        (words["follow_up"] if message.is_follow_up else words["new"]).format(number=case.number)
    ]
    if case.due_at:
        due = promise_text(case.due_at, case.language, case.shop.tz)
        lines.append(words["promise"].format(promise=due))
    return " ".join(lines)
