"""What happens when a customer calls (rules C1, S5): while the shop is open and agents'
phones are given, the call rings them all; otherwise, or when nobody answers, the caller
hears when we would call back and presses 1 for a callback (Twilio says the words, 46elks
plays them as `speech` spoke them). A call that ends unanswered
without that becomes a callback anyway (`processors.call_ended`)."""

from datetime import datetime

from django.urls import reverse

from . import speech
from .models import PhoneSettings
from .providers import elks, twilio
from .waits import phone_today

_WORDS = {
    "closed": {
        "sv": "Välkommen till {shop}. Vi har stängt just nu.",
        "nb": "Velkommen til {shop}. Vi har stengt akkurat nå.",
        "da": "Velkommen til {shop}. Vi har lukket lige nu.",
        "en": "Welcome to {shop}. We are closed right now.",
    },
    "busy": {
        "sv": "Alla våra medarbetare är upptagna.",
        "nb": "Alle våre medarbeidere er opptatt.",
        "da": "Alle vores medarbejdere er optaget.",
        "en": "All our colleagues are busy.",
    },
    "offer": {
        "sv": "Tryck 1 så ringer vi upp dig {promise}.",
        "nb": "Trykk 1, så ringer vi deg opp {promise}.",
        "da": "Tryk 1, så ringer vi dig op {promise}.",
        "en": "Press 1 and we will call you back {promise}.",
    },
    "welcome": {
        "sv": "Välkommen till {shop}. Du kopplas nu till kundtjänst.",
        "nb": "Velkommen til {shop}. Du blir nå satt over til kundeservice.",
        "da": "Velkommen til {shop}. Du bliver nu stillet om til kundeservice.",
        "en": "Welcome to {shop}. We are connecting you to customer service.",
    },
    "thanks": {
        "sv": "Tack! Vi ringer dig {promise}.",
        "nb": "Takk! Vi ringer deg {promise}.",
        "da": "Tak! Vi ringer til dig {promise}.",
        "en": "Thank you! We will call you {promise}.",
    },
}


def words(name: str, language: str, **values) -> str:
    table = _WORDS[name]
    return table.get(language, table["en"]).format(**values)


def hook_url(request, phone: PhoneSettings, name: str) -> str:
    """An absolute address of one of our webhooks, as the provider should call it."""
    url = request.build_absolute_uri(reverse(f"phone:{name}", args=[phone.hook_token]))
    if phone.provider == "46elks":
        scheme, _, rest = url.partition("://")
        return f"{scheme}://kundsvar:{phone.hook_password}@{rest}"
    return url


def connects(phone: PhoneSettings, now: datetime) -> bool:
    return bool(phone.agents()) and phone_today(phone.shop, now, phone.shop.language).open_now


def _offer(phone: PhoneSettings, now: datetime, *, closed: bool) -> str:
    shop, language = phone.shop, phone.shop.language
    today = phone_today(shop, now, language, phone)
    first = words("closed", language, shop=shop.name) if closed else words("busy", language)
    return f"{first} {words('offer', language, promise=today.callback_text)}"


# -- 46elks: JSON actions -----------------------------------------------------------------
# 46elks has no text-to-speech: the same words Twilio says are spoken into WAV files by
# `speech` and played by address. Without a renderer the call goes on without words:
# connected at once, the callback offered by the shop's own recording (or the missed
# call becomes a callback by itself).


def elks_start(request, phone: PhoneSettings, now: datetime) -> dict:
    hangup = {"whenhangup": hook_url(request, phone, "elks_hangup")}
    if connects(phone, now):
        language = phone.shop.language
        action = elks.connect(
            phone.agents(), caller_id=phone.number, next_url=hook_url(request, phone, "elks_next")
        )
        welcome = speech.url(request, words("welcome", language, shop=phone.shop.name), language)
        if welcome:
            action = elks.play(welcome, then=action)
        return {**action, **hangup}
    return {**elks_offer(request, phone, now, closed=True), **hangup}


def elks_offer(request, phone: PhoneSettings, now: datetime, *, closed: bool) -> dict:
    """The callback offered with its promised time, spoken ("Tryck 1 så ringer vi upp
    dig senast 14.30"); with no renderer the shop's recording; with neither, hang up:
    the missed call becomes a callback by itself."""
    language = phone.shop.language
    prompt = speech.url(request, _offer(phone, now, closed=closed), language)
    prompt = prompt or phone.ivr_prompt_url
    if not prompt:
        return elks.hangup()
    return elks.offer_callback(prompt, next_url=hook_url(request, phone, "elks_ivr"))


def elks_after_connect(request, phone: PhoneSettings, result: str, now: datetime) -> dict:
    if result == "success":
        return elks.hangup()
    return elks_offer(request, phone, now, closed=False)


def elks_after_digit(request, phone: PhoneSettings, digit: str, now: datetime) -> dict:
    """1: the callback is asked for (the worker makes it); the caller hears when."""
    if digit.strip() != "1":
        return elks.hangup()
    language = phone.shop.language
    today = phone_today(phone.shop, now, language, phone)
    thanks = speech.url(request, words("thanks", language, promise=today.callback_text), language)
    return elks.play(thanks) if thanks else elks.hangup()


# -- Twilio: TwiML ------------------------------------------------------------------------


def twilio_start(request, phone: PhoneSettings, now: datetime) -> str:
    language = phone.shop.language
    if connects(phone, now):
        return twilio.twiml(
            twilio.say(words("welcome", language, shop=phone.shop.name), language),
            twilio.dial(
                phone.agents(),
                caller_id=phone.number,
                action=hook_url(request, phone, "twilio_dial"),
            ),
        )
    return twilio_offer(request, phone, now, closed=True)


def twilio_offer(request, phone: PhoneSettings, now: datetime, *, closed: bool) -> str:
    language = phone.shop.language
    prompt = twilio.say(_offer(phone, now, closed=closed), language)
    return twilio.twiml(twilio.gather(prompt, action=hook_url(request, phone, "twilio_gather")))


def twilio_after_digit(phone: PhoneSettings, digit: str, now: datetime) -> str:
    if digit.strip() != "1":
        return twilio.twiml()
    language = phone.shop.language
    today = phone_today(phone.shop, now, language, phone)
    return twilio.twiml(
        twilio.say(words("thanks", language, promise=today.callback_text), language)
    )
