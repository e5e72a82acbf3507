"""What we text a customer, in their language (sv by default; rules A1, A4, R7, S5).
Short on purpose: one SMS (160 GSM-7 characters) where the shop name allows."""

from datetime import datetime

from kundsvar.core.language import promise_language
from kundsvar.sla.promise import promise_text

_CLOCK = {"sv": "senast {t}", "nb": "senest kl. {t}", "da": "senest kl. {t}", "en": "by {t}"}

TEXTS = {
    "ack": {
        "sv": "{shop}: Tack för ditt sms! Ärende #{number}. Du får svar {promise}.",
        "nb": "{shop}: Takk for SMS-en! Sak #{number}. Du får svar {promise}.",
        "da": "{shop}: Tak for din sms! Sag #{number}. Du får svar {promise}.",
        "en": "{shop}: Thanks for your text! Case #{number}. You will get an answer {promise}.",
    },
    "callback": {
        "sv": "{shop}: Vi ringer dig {promise} på {phone} (ärende #{number}).",
        "nb": "{shop}: Vi ringer deg {promise} på {phone} (sak #{number}).",
        "da": "{shop}: Vi ringer til dig {promise} på {phone} (sag #{number}).",
        "en": "{shop}: We will call you {promise} on {phone} (case #{number}).",
    },
    "no_answer": {
        "sv": "{shop}: Vi ringde dig kl. {time} men fick inget svar. Vi försöker igen "
        "(försök {attempt} av {limit}).",
        "nb": "{shop}: Vi ringte deg kl. {time}, men fikk ikke svar. Vi prøver igjen "
        "(forsøk {attempt} av {limit}).",
        "da": "{shop}: Vi ringede til dig kl. {time}, men fik intet svar. Vi prøver igen "
        "(forsøg {attempt} af {limit}).",
        "en": "{shop}: We called you at {time} but got no answer. We will try again "
        "(attempt {attempt} of {limit}).",
    },
    "gave_up": {
        "sv": "{shop}: Vi har försökt ringa dig {limit} gånger utan att nå dig. Ring oss "
        "på {shop_phone} eller svara på detta sms (ärende #{number}).",
        "nb": "{shop}: Vi har prøvd å ringe deg {limit} ganger uten å nå deg. Ring oss "
        "på {shop_phone} eller svar på denne SMS-en (sak #{number}).",
        "da": "{shop}: Vi har forsøgt at ringe til dig {limit} gange uden at nå dig. Ring "
        "til os på {shop_phone} eller svar på denne sms (sag #{number}).",
        "en": "{shop}: We tried to call you {limit} times without reaching you. Call us "
        "on {shop_phone} or reply to this text (case #{number}).",
    },
}


SUBJECTS = {  # when the customer is told by email instead (no SMS)
    "no_answer": {
        "sv": "Vi försökte ringa dig",
        "nb": "Vi prøvde å ringe deg",
        "da": "Vi forsøgte at ringe til dig",
        "en": "We tried to call you",
    },
    "gave_up": {
        "sv": "Vi har inte nått dig på telefon",
        "nb": "Vi har ikke nådd deg på telefon",
        "da": "Vi har ikke kunnet nå dig på telefonen",
        "en": "We could not reach you by phone",
    },
}


def subject(name: str, language: str) -> str:
    return SUBJECTS[name][promise_language(language)]


def clock(moment: datetime, language: str) -> str:
    return moment.strftime("%H:%M" if promise_language(language) == "en" else "%H.%M")


def short_promise(due_at: datetime, language: str, tz, now: datetime) -> str:
    """ "senast 14.30" when the promise is today (shop time), else the full promise
    ("senast tisdag 24 november kl. 14.00", sla.promise)."""
    language = promise_language(language)
    local = due_at.astimezone(tz)
    if local.date() == now.astimezone(tz).date():
        return _CLOCK[language].format(t=clock(local, language))
    return promise_text(due_at, language, tz)


def render(name: str, language: str, **values) -> str:
    return TEXTS[name][promise_language(language)].format(**values)


ORDER_TEXTS = {
    "shipped": {
        "sv": "{shop}: Din order #{number} är skickad. Följ den här: {url}",
        "nb": "{shop}: Ordren din #{number} er sendt. Følg den her: {url}",
        "da": "{shop}: Din ordre #{number} er sendt. Følg den her: {url}",
        "en": "{shop}: Your order #{number} is on its way. Follow it here: {url}",
    },
    "delayed": {
        "sv": "{shop}: Din order #{number} är försenad, förlåt! Läget just nu: {url}",
        "nb": "{shop}: Ordren din #{number} er forsinket, beklager! Status nå: {url}",
        "da": "{shop}: Din ordre #{number} er forsinket, undskyld! Status lige nu: {url}",
        "en": "{shop}: Your order #{number} is delayed, sorry! Where it is now: {url}",
    },
}
