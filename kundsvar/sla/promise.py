"""The promise in words, in the customer's language (rule A4).

"senast tisdag 24 november kl. 14.00" — a concrete local time, never "within five
working days" (rule S1).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

# (babel locale, pattern). Quoted parts are literal; babel supplies weekday and month
# names. Norwegian and Danish write the day as an ordinal ("24. november").
_FORMATS = {
    "sv": ("sv_SE", "'senast' EEEE d MMMM 'kl.' HH.mm"),
    "nb": ("nb_NO", "'senest' EEEE d. MMMM 'kl.' HH.mm"),
    "da": ("da_DK", "'senest' EEEE 'den' d. MMMM 'kl.' HH.mm"),
    "en": ("en_GB", "'by' EEEE d MMMM 'at' HH:mm"),
}
_ALIASES = {"no": "nb", "nn": "nb", "se": "sv"}
DEFAULT_LANGUAGE = "sv"


def promise_language(language: str | None) -> str:
    code = (language or DEFAULT_LANGUAGE).lower().split("-")[0].split("_")[0]
    code = _ALIASES.get(code, code)
    return code if code in _FORMATS else "en"


def babel_locale(language: str | None) -> str:
    """The babel locale for a customer's language ("sv" → "sv_SE")."""
    return _FORMATS[promise_language(language)][0]


def promise_text(due_at: datetime, language: str | None, tz: ZoneInfo | str) -> str:
    """`due_at` as the shop's local time in the customer's language."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    locale, pattern = _FORMATS[promise_language(language)]
    return format_datetime(due_at.astimezone(zone), pattern, tzinfo=zone, locale=locale)
