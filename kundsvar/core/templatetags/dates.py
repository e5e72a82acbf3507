"""`{{ value|day:"MMMEd Hm" }}`: a date (and time) the way the active language writes it.

Django's "M" format title-cases the month abbreviation ("tors 3 Dec" on a Swedish page);
CLDR skeletons through babel give each language its own form: "tors 3 dec. 14:05",
"Thu 3 Dec 14:05". The argument is a date skeleton, optionally a space and a time one.
"""

from babel.dates import format_skeleton
from django import template
from django.conf import settings
from django.utils import translation

register = template.Library()

# The agent UI's languages (and the customers'), as babel locales.
LOCALES = {"sv": "sv_SE", "en": "en_GB", "nb": "nb_NO", "da": "da_DK"}


@register.filter(expects_localtime=True)
def day(value, skeleton: str = "MMMd") -> str:
    if value in (None, ""):
        return ""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    locale = LOCALES.get(language, LOCALES["sv"])
    tz = getattr(value, "tzinfo", None)  # already local: expects_localtime
    date_part, _, time_part = skeleton.partition(" ")
    parts = [format_skeleton(date_part, value, tzinfo=tz, locale=locale)]
    if time_part:
        parts.append(format_skeleton(time_part, value, tzinfo=tz, locale=locale))
    return " ".join(parts)
