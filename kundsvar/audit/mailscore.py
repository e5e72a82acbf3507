"""What a customer sees in an acknowledgement and an answer, scored against A1–A4 and
R1–R4. The same checks read Kundsvar's own rendered mail (the audit, M1) and whatever a
probed shop sent back (the probe, M2): they look only at the message, never at our models.
Swedish, Norwegian, Danish and English wording are understood."""

import re
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from .result import FAIL, PASS, WARN, Result

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "mai": 5, "maj": 5, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11, "des": 12, "dec": 12,
}  # fmt: skip
# "senast tisdag 24 november kl. 14.00", "senest mandag den 24. november kl. 14.00",
# "by Tuesday 24 November at 14:00"
_MOMENT = re.compile(
    r"(\d{1,2})\.?\s+(jan|feb|mar|apr|mai|maj|may|jun|jul|aug|sep|okt|oct|nov|des|dec)[a-zé]*"
    r"\.?(?:\s+(\d{4}))?,?\s+(?:kl\.?|klockan|klokken|at)?\s*(\d{1,2})[.:](\d{2})",
    re.IGNORECASE,
)
_WITHIN_HOURS = re.compile(
    r"(?:inom|innen|inden for|inden|within)\s+(\d{1,2}|en|ett|én|et|one|two|två|to)\s+"
    r"(?:timm[ae]r?|timer?|hours?)",
    re.IGNORECASE,
)
_WITHIN_DAYS = re.compile(
    r"(?:inom|innen|inden for|inden|within)\s+(?:\w+\s+){0,2}"
    r"(?:arbetsdag|dag|virkedag|verkedag|hverdag|arbejdsdag|business day|working day|day)",
    re.IGNORECASE,
)
_VAGUE = re.compile(
    r"så snart som möjligt|snarast|så snart vi kan|så fort som mulig|snarest|"
    r"hurtigst muligt|as soon as possible|as soon as we can",
    re.IGNORECASE,
)
_WORD_NUMBERS = {"en": 1, "ett": 1, "én": 1, "et": 1, "one": 1, "två": 2, "to": 2, "two": 2}
_CASE_NUMBER = re.compile(
    r"\[#?\d{2,}\]|#\d{2,}|(?:ärende(?:nummer)?|saksnummer|sagsnummer|sag|sak|case(?: number)?|"
    r"ticket|referens|reference)\s*(?:nr\.?|no\.?)?\s*[:#]?\s*[A-Z]{0,3}-?\d{2,}",
    re.IGNORECASE,
)
_SATISFACTION = re.compile(
    r"nöjd|betygsätt|fornøyd|tilfreds|satisf|how did we do|hur gick det|\bbetyg\b|vurder|"
    r"rate us|fick du svar|fikk du svar|fik du svar|did this answer|svara bara|svar bare|"
    r"svar blot|just reply",
    re.IGNORECASE,
)
_NOREPLY = re.compile(r"no-?reply|do-?not-?reply|donotreply|ikke-?svar|ikkesvar", re.IGNORECASE)
_AUTO_SUBJECT = re.compile(r"^\s*(auto(matic)?( reply)?|autosvar|automatiskt svar)\b", re.I)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag in ("br", "p", "div", "li", "tr", "blockquote"):
            self.parts.append("\n")
        for name, value in attrs:
            if name == "href" and value:
                self.parts.append(f" {value} ")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def body_text(message: EmailMessage) -> str:
    """The plain text part, or the HTML part's text (links kept), or ""."""
    part = message.get_body(("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    return html_text(content) if part.get_content_type() == "text/html" else content


def squash(text: str) -> str:
    """Lower case, one space, no quote marks: for "does this contain that"."""
    text = re.sub(r"(?m)^[ \t]*>+", " ", text)
    return " ".join(text.lower().split())


def contains_question(message: EmailMessage, question: str) -> bool:
    """A1/R3: the question's first sentence or so is there, quoted or not."""
    wanted = squash(question)[:80]
    return bool(wanted) and wanted in squash(body_text(message))


def sender(message: EmailMessage) -> str:
    return parseaddr(str(message.get("From", "")))[1].lower()


def is_automatic(message: EmailMessage) -> bool:
    """RFC 3834 and the headers Exchange and mailing tools set on autoreplies."""
    auto = str(message.get("Auto-Submitted", "no")).lower()
    precedence = str(message.get("Precedence", "")).lower()
    return (
        auto != "no"
        or precedence in ("auto_reply", "bulk", "junk")
        or "X-Autoreply" in message
        or "X-Autorespond" in message
        or bool(_AUTO_SUBJECT.match(str(message.get("Subject", ""))))
    )


def promised_moment(text: str, after: datetime, tz: ZoneInfo) -> tuple[datetime | None, str]:
    """(the moment promised, how it was said): a date and a time, or "within N hours";
    (None, "days") for "within five working days", (None, "vague") for "as soon as
    possible", (None, "") when no promise is given at all."""
    found = _MOMENT.search(text)
    if found:
        day, month, year, hour, minute = found.groups()
        local = after.astimezone(tz)
        try:
            moment = datetime(
                int(year or local.year), MONTHS[month.lower()[:3]], int(day), int(hour),
                int(minute), tzinfo=tz,
            )  # fmt: skip
        except ValueError:
            return None, ""
        if not year and moment < local - timedelta(days=180):
            moment = moment.replace(year=moment.year + 1)  # "2 januari" written in December
        return moment, found.group(0)
    within = _WITHIN_HOURS.search(text)
    if within:
        n = within.group(1).lower()
        hours = int(n) if n.isdigit() else _WORD_NUMBERS[n]
        return after + timedelta(hours=hours), within.group(0)
    if _WITHIN_DAYS.search(text):
        return None, "days"
    return None, "vague" if _VAGUE.search(text) else ""


# -- the acknowledgement (A1–A4) -------------------------------------------------------------


def ack_content(ack, *, question: str, subject: str, shop_name: str, sent_at, tz) -> list[Result]:
    """The acknowledgement's own content; `ack` None: none came (every check fails)."""
    if ack is None:
        return [_missing(*args) for args in ACK_CHECKS]
    text, ack_subject = body_text(ack), " ".join(str(ack.get("Subject", "")).split())
    moment, said = promised_moment(text, sent_at, tz)
    return [
        _result(ACK_CHECKS[0], contains_question(ack, question), "copy of the question found",
                "no copy of the question"),
        _result(ACK_CHECKS[1], bool(_CASE_NUMBER.search(f"{ack_subject}\n{text}")),
                _first(_CASE_NUMBER, f"{ack_subject}\n{text}"), "no case number"),
        _subject_result(ACK_CHECKS[2], ack_subject, subject, shop_name),
        _sender_result(ACK_CHECKS[3], sender(ack)),
        _promise_result(ACK_CHECKS[4], moment, said, sent_at),
    ]  # fmt: skip


ACK_CHECKS = [
    ("ack_copy", "A1", "Acknowledgement has a copy of the question", 2,
     "The customer sees at once that the question arrived whole."),
    ("ack_case_number", "A1", "Acknowledgement has a case number", 2,
     "A case number lets the customer refer to the question without retelling it."),
    ("ack_subject", "A2", "Acknowledgement subject names the shop and the question", 2,
     "\"Auto: …\", an empty subject or a bare \"Re:\" is lost among other mail."),
    ("ack_sender", "A3", "Acknowledgement comes from a real address", 2,
     "A noreply sender tells the customer not to answer; replies must reach the case."),
    ("ack_promise", "A4", "Acknowledgement promises a concrete time", 3,
     "\"Within five working days\" or no promise at all leaves the customer guessing (S1)."),
]  # fmt: skip


def _first(pattern, text: str) -> str:
    found = pattern.search(text)
    return found.group(0) if found else ""


def _missing(code, rule, title, weight, why) -> Result:
    return Result(code, rule, title, FAIL, "nothing received", why, weight)


def _result(check, ok: bool, yes: str, no: str) -> Result:
    code, rule, title, weight, why = check
    return Result(code, rule, title, PASS if ok else FAIL, yes if ok else no, why, weight)


def _subject_result(check, got: str, asked: str, shop_name: str) -> Result:
    code, rule, title, weight, why = check
    bare = re.sub(r"^((re|sv|vs|aw|fw|fwd)\s*:\s*)+", "", got, flags=re.I).strip()
    if not bare or _AUTO_SUBJECT.match(got):
        return Result(code, rule, title, FAIL, f"subject: “{got}”", why, weight)
    has_shop = not shop_name or shop_name.lower() in got.lower()
    has_topic = not asked or squash(asked) in squash(got)
    status = PASS if has_shop and has_topic else WARN
    return Result(code, rule, title, status, f"subject: “{got}”", why, weight)


def _sender_result(check, address: str) -> Result:
    code, rule, title, weight, why = check
    ok = bool(address) and not _NOREPLY.search(address)
    return Result(
        code, rule, title, PASS if ok else FAIL, f"from {address or '(none)'}", why, weight
    )


def _promise_result(check, moment, said: str, sent_at) -> Result:
    """A4 asks for a concrete time; how long it is is S1's (a Friday evening's honest
    promise may be Monday). Only a promise beyond three days warns."""
    code, rule, title, weight, why = check
    if moment is None:
        figure = {"days": "a promise in days", "vague": "a vague promise"}.get(said, "no promise")
        return Result(code, rule, title, FAIL, figure, why, weight)
    hours = (moment - sent_at).total_seconds() / 3600
    status = PASS if hours <= 72 else WARN
    return Result(code, rule, title, status, f"“{said}” ({hours:.1f} h)", why, weight)


# -- the answer (R1–R4) ------------------------------------------------------------------------


REPLY_CHECKS = [
    ("reply_sender", "R1", "Answer comes from the acknowledgement's sender", 1,
     "The customer recognises the thread and every reply reaches the same case."),
    ("reply_subject", "R2", "Answer subject names the shop and the question", 2,
     "The customer finds the answer among other mail."),
    ("reply_quote", "R3", "Answer includes the original question", 1,
     "The customer sees what the answer is about without searching."),
    ("reply_satisfaction", "R4", "Answer asks whether the customer is satisfied", 2,
     "One click to rate and \"just reply\" invites the follow-up that keeps a customer (F1)."),
]  # fmt: skip


def reply_content(answer, ack, *, question: str, subject: str, shop_name: str) -> list[Result]:
    if answer is None:
        return [_missing(*args) for args in REPLY_CHECKS]
    text = body_text(answer)
    same = ack is None or sender(ack) == sender(answer)
    code, rule, title, weight, why = REPLY_CHECKS[0]
    first = Result(code, rule, title, PASS if same else FAIL, f"from {sender(answer)}", why, weight)
    got = " ".join(str(answer.get("Subject", "")).split())
    return [
        first,
        _subject_result(REPLY_CHECKS[1], got, subject, shop_name),
        _result(REPLY_CHECKS[2], contains_question(answer, question), "question quoted",
                "question not quoted"),
        _result(REPLY_CHECKS[3], bool(_SATISFACTION.search(text)), _first(_SATISFACTION, text),
                "no question about satisfaction"),
    ]  # fmt: skip
