"""Small text helpers shared by the channels."""

import re

_REPLY_PREFIX = re.compile(
    r"^\s*((re|sv|vs|aw|antw|fw|fwd|vb|vl|tr|wg|ang|odp|ynt)\s*(\[\d+\])?\s*:\s*)+",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^\s*(hej(san|sa)?|hallå|god (morgon|dag|kväll)|hei|hallo|goddag|kære [^,\n]*|"
    r"hello|hi|hey|dear [^,\n]*|good (morning|afternoon|evening))\b[\s,!.:]*",
    re.IGNORECASE,
)
SUBJECT_MAX = 60


def strip_reply_prefixes(subject: str) -> str:
    """'Re: SV: Fwd: Leveranstid' -> 'Leveranstid' (prefixes of sv/nb/da/en/de mail clients)."""
    return _REPLY_PREFIX.sub("", subject or "").strip()


def derive_subject(text: str, limit: int = SUBJECT_MAX) -> str:
    """A subject made from the customer's own words when they gave none (rule A2).

    Takes the first sentence after any greeting, cut on a word boundary.
    """
    body = _GREETING.sub("", (text or "").strip(), count=1)
    body = " ".join(body.split())
    if not body:
        return ""
    sentence = re.split(r"(?<=[.!?])\s", body, maxsplit=1)[0].rstrip(".!")
    if len(sentence) <= limit:
        return sentence[:1].upper() + sentence[1:]
    cut = sentence[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut[:1].upper() + cut[1:] + "…"


def case_subject(subject: str, text: str, fallback: str) -> tuple[str, bool]:
    """(subject, derived): the customer's subject without 'Re:', or one derived from text."""
    own = strip_reply_prefixes(subject)
    if own:
        return own[:200], False
    return (derive_subject(text) or fallback), True
