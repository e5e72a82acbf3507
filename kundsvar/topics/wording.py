"""A topic's response time in the customer's words (A4, S1): "reklamationer besvaras inom
8 timmar". Written per language like the promise itself (sla.promise), not through the
agent UI's translations."""

from kundsvar.core.language import promise_language

_UNITS = {
    "sv": (("minut", "minuter"), ("timme", "timmar")),
    "nb": (("minutt", "minutter"), ("time", "timer")),
    "da": (("minut", "minutter"), ("time", "timer")),
    "en": (("minute", "minutes"), ("hour", "hours")),
}
_SENTENCE = {
    "sv": "{what} besvaras inom {time}",
    "nb": "{what} besvares innen {time}",
    "da": "{what} besvares inden for {time}",
    "en": "{what} are answered within {time}",
}
_AND = {"sv": "och", "nb": "og", "da": "og", "en": "and"}


def duration(minutes: int, language: str | None) -> str:
    """90 → "1 timme och 30 minuter"; 480 → "8 timmar"."""
    code = promise_language(language)
    (minute, minutes_word), (hour, hours_word) = _UNITS[code]
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} {hour if hours == 1 else hours_word}")
    if rest or not hours:
        parts.append(f"{rest} {minute if rest == 1 else minutes_word}")
    return f" {_AND[code]} ".join(parts)


def target_note(topic, minutes: int | None, language: str | None) -> str:
    """ "reklamationer besvaras inom 8 timmar", or "" when the topic has no target of its
    own or no word for what its questions are called."""
    code = promise_language(language)
    what = topic.plural(code) if topic is not None else ""
    if not minutes or not what:
        return ""
    return _SENTENCE[code].format(what=what, time=duration(minutes, code))
