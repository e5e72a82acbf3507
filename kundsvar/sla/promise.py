"""The promise in words, in the customer's language (rule A4).

"senast tisdag 24 november kl. 14.00" — a concrete local time, never "within five
working days" (rule S1).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from kundsvar.core.language import babel_locale, promise_language

# Quoted parts are literal; babel supplies weekday and month names. Norwegian and Danish
# write the day as an ordinal ("24. november").
_PATTERNS = {
    "sv": "'senast' EEEE d MMMM 'kl.' HH.mm",
    "nb": "'senest' EEEE d. MMMM 'kl.' HH.mm",
    "da": "'senest' EEEE 'den' d. MMMM 'kl.' HH.mm",
    "en": "'by' EEEE d MMMM 'at' HH:mm",
}


def promise_text(due_at: datetime, language: str | None, tz: ZoneInfo | str) -> str:
    """`due_at` as the shop's local time in the customer's language."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    pattern = _PATTERNS[promise_language(language)]
    return format_datetime(
        due_at.astimezone(zone), pattern, tzinfo=zone, locale=babel_locale(language)
    )


def moment_text(moment: datetime, language: str | None, tz: ZoneInfo | str) -> str:
    """`moment` without the "senast"/"by": "tisdag 24 november kl. 14.00"."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    pattern = _PATTERNS[promise_language(language)].split(" ", 1)[1]
    return format_datetime(
        moment.astimezone(zone), pattern, tzinfo=zone, locale=babel_locale(language)
    )
