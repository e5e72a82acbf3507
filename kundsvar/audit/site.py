"""The contact-page probe (rule M2): what a customer sees on a shop's contact page and the
pages it links to, one level deep. Swedish, Norwegian, Danish and English pages.

It reads HTML as served and runs no JavaScript: a page built in the browser shows little
text, and then what was not found is reported as "could not tell", not as a failure.
"""

import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlparse

from kundsvar.core.language import detect_language

from .mailscore import promised_moment
from .result import FAIL, PASS, UNKNOWN, WARN, Result

MAX_BYTES = 2_000_000
MAX_LINKED = 12
TIMEOUT = 10
LITTLE_TEXT = 200  # characters: below this the page is likely built by JavaScript
USER_AGENT = "Kundsvar-probe/1 (mystery shopping of a contact page)"


@dataclass
class Page:
    url: str
    text: str = ""
    lang: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (absolute url, link text)
    fields: list[str] = field(default_factory=list)  # each form field's name, id, label words
    error: str = ""


class _Reader(HTMLParser):
    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.page = Page(base)
        self._parts: list[str] = []
        self._skip = 0
        self._link: list | None = None
        self._form = 0
        self._label: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.page.lang = a.get("lang", "")[:2].lower()
        elif tag in ("script", "style", "template", "noscript"):
            self._skip += 1
        elif tag == "a" and a.get("href"):
            self._link = [urldefrag(urljoin(self.page.url, a["href"]))[0], ""]
        elif tag == "form":
            self._form += 1
        elif tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            words = " ".join(a.get(k, "") for k in ("name", "id", "placeholder", "aria-label"))
            self.page.fields.append(words)
        elif tag == "label":
            self._label = []
        if tag in ("br", "p", "div", "li", "tr", "h1", "h2", "h3", "section", "dd", "dt"):
            self._parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "noscript") and self._skip:
            self._skip -= 1
        elif tag == "a" and self._link:
            self.page.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        elif tag == "form" and self._form:
            self._form -= 1
        elif tag == "label" and self._label is not None:
            self.page.fields.append(" ".join(self._label))
            self._label = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._link is not None:
            self._link[1] += data
        if self._label is not None:
            self._label.append(data)
        if not self._form:  # what a customer sees without opening a form
            self._parts.append(data)

    def result(self) -> Page:
        self.page.text = re.sub(r"[ \t\r\f\v]+", " ", "".join(self._parts))
        return self.page


def fetch(url: str) -> Page:
    """One page as served, or a Page carrying the error (never raises for the network)."""
    if urlparse(url).scheme not in ("http", "https"):
        return Page(url, error="not an http(s) address")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            kind = response.headers.get_content_type()
            if kind not in ("text/html", "application/xhtml+xml"):
                return Page(url, error=f"not a web page ({kind})")
            raw = response.read(MAX_BYTES)
            charset = response.headers.get_content_charset() or "utf-8"
            final = response.geturl()
    except (urllib.error.URLError, OSError, ValueError) as error:
        return Page(url, error=str(getattr(error, "reason", error)))
    reader = _Reader(final)
    reader.feed(raw.decode(charset, errors="replace"))
    return reader.result()


# -- what a customer looks for, in four languages --------------------------------------------

PHONE = re.compile(r"(?<![\d/])(?:\+\d{2}[\s-]?)?\(?0?\d{1,4}\)?(?:[\s-]?\d{2,4}){2,4}(?![\d/])")
PHONE_WORDS = re.compile(
    r"telefon|tlf|tel\.|ring |ringa|phone|call us|kundservice|kundtjänst", re.I
)
HOURS_WORDS = re.compile(
    r"öppettider|telefontider|åpningstider|åbningstider|opening hours|open hours|office hours|"
    r"vardagar|hverdager|hverdage|weekdays|mån(?:dag)?\s*[-–]\s*fre|man(?:dag)?\s*[-–]\s*fre|"
    r"mon(?:day)?\s*[-–]\s*fri",
    re.I,
)
CLOCK = re.compile(r"\b\d{1,2}(?:[.:]\d{2})?\s*[-–]\s*\d{1,2}(?:[.:]\d{2})?\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ANSWER_WORDS = re.compile(
    r"(?:svarar|besvarar|svarer|besvarer|respond|reply|answer|get back)[^.\n]{0,80}?"
    r"(?:inom|innen|inden(?: for)?|within|samma dag|same day|samme dag|snarast|så snart|"
    r"as soon as|hurtigst)[^.\n]{0,60}",
    re.I,
)
FAQ = re.compile(
    r"faq|vanliga frågor|frågor och svar|ofte stilte spørsmål|ofte stillede spørgsmål|"
    r"spørsmål og svar|spørgsmål og svar|hjälp|hjelp|hjælp|help|questions",
    re.I,
)
RETURNS = re.compile(r"retur|return|reklamation|reklamasjon|ångerrätt|angrerett|fortrydelse", re.I)
TRACKING = re.compile(
    r"spåra|spåra paket|sporing|spor (?:din|pakken)|track|kollinummer|sändningsnummer|"
    r"sendingsnummer|forsendelse|var är mitt paket|hvor er",
    re.I,
)
CHRISTMAS = re.compile(r"\bjul|christmas|xmas", re.I)
DATE_WORDS = re.compile(
    r"\b\d{1,2}\.?\s*(?:dec|december|desember)|\b\d{1,2}/12\b|(?:december|desember)\s+\d{1,2}",
    re.I,
)
PERSONAL_NUMBER = re.compile(
    r"personnummer|personnr|person-nr|fødselsnummer|fodselsnummer|personnummer|cpr|"
    r"social security|ssn|ååååmmdd|yyyymmdd",
    re.I,
)

CHECKS = {
    "site_phone": ("C1", "Phone number visible without a form", 3,
                   "A customer is never forced through a form to find a phone number."),
    "site_hours": ("C1", "Opening hours shown", 2,
                   "The customer knows when someone answers."),
    "site_email": ("C1", "Email address shown", 2,
                   "Some customers want to write from their own mail program."),
    "site_response_time": ("S1", "A concrete response time promised", 3,
                           "\"Within five working days\" fails; under 24 hours is the bar."),
    "site_faq": ("K1", "FAQ linked", 1, "Self-service answers the common questions at once."),
    "site_returns": ("O7", "Return policy linked", 2, "Return policy and fees are never hidden."),
    "site_christmas": ("O5", "Christmas delivery dates in season", 1,
                       "From 1 November customers ask whether it arrives before Christmas."),
    "site_tracking": ("O4", "Parcel tracking offered", 1,
                      "Tracking by parcel number answers \"where is my order\"."),
    "site_no_personal_number": ("C3", "No personal identity number asked in forms", 2,
                                "Data minimisation: a personnummer is never needed to answer."),
}  # fmt: skip


@dataclass
class Finding:
    status: str
    figure: str


def _phone(page: Page) -> str:
    tel = [url[4:] for url, _text in page.links if url.startswith("tel:")]
    if tel:
        return tel[0]
    for line in page.text.splitlines():
        if PHONE_WORDS.search(line):
            for found in PHONE.finditer(line):
                if len(re.sub(r"\D", "", found.group(0))) >= 8:
                    return found.group(0).strip()
    return ""


def _hours(page: Page) -> str:
    for line in page.text.splitlines():
        if HOURS_WORDS.search(line) and CLOCK.search(line):
            return " ".join(line.split())[:80]
    words = HOURS_WORDS.search(page.text)
    if words and CLOCK.search(page.text[words.end() : words.end() + 200]):
        return " ".join(page.text[words.start() : words.end() + 60].split())
    return ""


def _email(page: Page) -> str:
    mail = [url[7:].split("?")[0] for url, _text in page.links if url.startswith("mailto:")]
    found = EMAIL.search(page.text)
    return mail[0] if mail else found.group(0) if found else ""


def _link(page: Page, pattern) -> str:
    for url, text in page.links:
        if pattern.search(text) or pattern.search(urlparse(url).path):
            return url
    return ""


def response_time(text: str, now: datetime) -> Finding | None:
    """S1 on what the page promises: a concrete time within 24 hours passes; "within five
    working days" or "as soon as possible" fails; None when the page says nothing."""
    for found in ANSWER_WORDS.finditer(text):
        said = " ".join(found.group(0).split())
        moment, how = promised_moment(said, now, now.tzinfo)
        if moment is not None:
            hours = (moment - now).total_seconds() / 3600
            return Finding(PASS if hours <= 24 else WARN if hours <= 48 else FAIL, said)
        if re.search(r"samma dag|same day|samme dag", said, re.I):
            return Finding(PASS, said)
        if how in ("days", "vague"):
            return Finding(FAIL, said)
    return None


def in_season(day: date) -> bool:
    return date(day.year, 11, 1) <= day <= date(day.year, 12, 24)


def _linked_pages(page: Page) -> list[str]:
    """Same-site links worth reading, the likely useful ones first."""
    host = urlparse(page.url).netloc
    useful = re.compile(f"{FAQ.pattern}|{RETURNS.pattern}|{TRACKING.pattern}|jul|leverans|frakt|"
                        "levering|delivery|shipping|kontakt|contact", re.I)  # fmt: skip
    seen, first, rest = {page.url}, [], []
    for url, text in page.links:
        if (
            urlparse(url).netloc != host
            or url in seen
            or urlparse(url).scheme not in ("http", "https")
        ):
            continue
        seen.add(url)
        (first if useful.search(f"{text} {urlparse(url).path}") else rest).append(url)
    return (first + rest)[:MAX_LINKED]


@dataclass
class Probe:
    url: str
    language: str
    pages: list[dict]
    results: list[Result]


def probe(url: str, now: datetime, fetcher=fetch) -> Probe:
    """Read the page and its same-site links one level deep, then check them."""
    page = fetcher(url)
    if page.error:
        results = [_result(code, Finding(UNKNOWN, f"could not read the page: {page.error}"))
                   for code in CHECKS]  # fmt: skip
        return Probe(url, "", [{"url": url, "error": page.error}], results)
    linked = [fetcher(u) for u in _linked_pages(page)]
    read = [p for p in linked if not p.error]
    language = page.lang if page.lang in ("sv", "nb", "no", "da", "en") else ""
    language = {"no": "nb"}.get(language, language) or detect_language(page.text, fallback="")
    findings = _findings(page, read, now)
    pages = [{"url": p.url, "error": p.error} for p in [page, *linked]]
    return Probe(url, language, pages, [_result(code, findings[code]) for code in CHECKS])


def _result(code: str, finding: Finding) -> Result:
    rule, title, weight, why = CHECKS[code]
    return Result(code, rule, title, finding.status, finding.figure, why, weight)


def _on_page_or_linked(page: Page, linked: list[Page], look, what: str, thin: bool) -> Finding:
    """On the contact page itself passes; only on a linked page warns (not prominent)."""
    found = look(page)
    if found:
        return Finding(PASS, found)
    for other in linked:
        found = look(other)
        if found:
            return Finding(WARN, f"only on {other.url}: {found}")
    return _absent(what, thin)


def _absent(what: str, thin: bool) -> Finding:
    if thin:
        return Finding(UNKNOWN, f"no {what} in the page's HTML (little text: built by JavaScript?)")
    return Finding(FAIL, f"no {what} found")


def _findings(page: Page, linked: list[Page], now: datetime) -> dict[str, Finding]:
    thin = len(page.text.strip()) < LITTLE_TEXT
    everything = [page, *linked]
    answer = response_time(page.text, now) or next(
        (f for p in linked if (f := response_time(p.text, now))), None
    )
    return {
        "site_phone": _on_page_or_linked(page, linked, _phone, "phone number", thin),
        "site_hours": _on_page_or_linked(page, linked, _hours, "opening hours", thin),
        "site_email": _on_page_or_linked(page, linked, _email, "email address", thin),
        "site_response_time": answer or _absent("response-time statement", thin),
        "site_faq": _found_link(page, FAQ, "FAQ link", thin),
        "site_returns": _found_link(page, RETURNS, "return policy link", thin),
        "site_christmas": _christmas(everything, now, thin),
        "site_tracking": _tracking(everything, thin),
        "site_no_personal_number": _personal_number(everything),
    }


def _found_link(page: Page, pattern, what: str, thin: bool) -> Finding:
    url = _link(page, pattern)
    return Finding(PASS, url) if url else _absent(what, thin)


def _christmas(pages: list[Page], now: datetime, thin: bool) -> Finding:
    if not in_season(now.date()):
        return Finding(UNKNOWN, "out of season (checked 1 November – 24 December)")
    for p in pages:
        for line in p.text.splitlines():
            if CHRISTMAS.search(line) and DATE_WORDS.search(line):
                return Finding(PASS, " ".join(line.split())[:80])
    return _absent("Christmas delivery dates", thin)


def _tracking(pages: list[Page], thin: bool) -> Finding:
    for p in pages:
        url = _link(p, TRACKING)
        if url:
            return Finding(PASS, url)
        if any(TRACKING.search(f) for f in p.fields):
            return Finding(PASS, f"a tracking field on {p.url}")
    return _absent("parcel tracking", thin)


def _personal_number(pages: list[Page]) -> Finding:
    for p in pages:
        asked = [f for f in p.fields if PERSONAL_NUMBER.search(f)]
        if asked:
            return Finding(FAIL, f"asked on {p.url}: {' '.join(asked[0].split())[:60]}")
    fields = sum(len(p.fields) for p in pages)
    return Finding(PASS, f"{fields} form fields, none asks for it")
