"""Carriers and tracking numbers (kollinummer) — rule O4, and C4's tracking numbers.

Two halves:

* ``REGISTRY``: the Nordic and common carriers as plain data (tracking-URL template with
  ``{number}``, customer-service phone and hours, countries, where each fact came from).
  Migration ``0002_seed_carriers`` copies it into ``Carrier`` rows, which a shop admin
  can edit; at run time the row wins (``carrier_for``, ``tracking_link``) and the registry
  is only the fallback. ``verified`` is False where no first-party source was found.
* Detection: which carrier a tracking number belongs to (``detect``), and which tracking
  numbers a customer's free text holds (``find_tracking_numbers``).

Formats and check digits follow jkeen/tracking_number_data (MIT), copied as facts:
UPU S10 (``RR123456785SE``, mod 11 with weights 8,6,4,2,3,5,9,7, country suffix), UPS
``1Z…`` and waybill (mod 10), DHL Express (mod 7), DHL piece ids and DHL eCommerce (format
only). A GS1 SSCC (the 18 digits, often written with the ``00`` application identifier,
that many Nordic carriers print as kollinummer) is checked with the GS1 mod-10 digit; the
number alone does not tell which carrier issued it, so its guess has an empty code.
Budbee, Instabox, Airmee and Early Bird use opaque ids: they are known by name only
(``carrier_code_for_name``), never guessed from a number.

Free text is judged more strictly than a number someone typed into a tracking field: an
order number like ``10234``, a phone number or a personnummer must never be taken for a
tracking number. A number is accepted from text only with a valid check digit in a
distinctive format (S10, UPS, SSCC with ``00``), a distinctive format (DHL ``JJD…``), or —
for bare digit runs — a valid check digit *and* a tracking or carrier word just before it
("DHL 3318810025", "kollinummer 373…").
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote

from kundsvar.core.privacy import contains_personal_number

from .models import Carrier

_WOO = "WooCommerce core plugins/woocommerce/src/Internal/Fulfillments/Providers/"
_TND = "jkeen/tracking_number_data couriers/"


@dataclass(frozen=True)
class CarrierData:
    """One registry entry: the facts a ``Carrier`` row is seeded from."""

    code: str
    name: str
    tracking_url: str = ""
    phone: str = ""
    phone_hours: str = ""
    countries: tuple[str, ...] = ()
    verified: bool = False
    source: str = ""
    # Lower-case names a shop platform may send for this carrier (carrier_code_for_name).
    aliases: tuple[str, ...] = field(default=(), compare=False)

    def row(self) -> dict:
        """The Carrier model's fields, as the seed migration stores them."""
        return {
            "code": self.code,
            "name": self.name,
            "tracking_url": self.tracking_url,
            "phone": self.phone,
            "phone_hours": self.phone_hours,
            "countries": list(self.countries),
            "verified": self.verified,
            "source": self.source,
        }


REGISTRY: tuple[CarrierData, ...] = (
    CarrierData(
        "postnord",
        "PostNord",
        "https://www.postnord.se/track-and-trace/{number}",
        countries=("SE", "DK", "NO", "FI"),
        verified=True,
        source=f"URL: {_WOO}PostNordShippingProvider.php @2949f9ba. No consumer phone number "
        "found (postnord.se/kundservice names phone and email, no number).",
        aliases=(
            "postnord",
            "post nord",
            "postnord mypack",
            "mypack",
            "postnord sverige",
            "postnord danmark",
            "postnord norge",
            "post danmark",
            "posten ab",
            "posten sverige",
        ),
    ),
    CarrierData(
        "bring",
        "Bring",
        "https://www.posten.no/sporing/{number}",
        phone="04045",
        phone_hours="mån–fre 08–17, lör 09–14",
        countries=("NO",),
        verified=True,
        source=f"URL: {_WOO}PostenNorgeBringShippingProvider.php @1674d4da. Phone: "
        "bring.no/kundeservice; hours from an old snapshot of bring.no/Kundeservice.",
        aliases=(
            "bring",
            "posten norge",
            "posten norge as",
            "posten no",
            "posten.no",
            "bring parcels",
            "posten bring",
            "posten/bring",
            "posten norge / bring",
        ),
    ),
    CarrierData(
        "dhl_express",
        "DHL Express",
        "https://www.dhl.com/en/express/tracking.html?AWB={number}",
        verified=True,
        source=f"URL: {_WOO}DHLShippingProvider.php @1cf83fd3; formats: {_TND}dhl.json (MIT).",
        aliases=("dhl express", "dhl", "dhl worldwide express"),
    ),
    CarrierData(
        "dhl_freight",
        "DHL Freight",
        "https://www.dhl.com/se-sv/home/tracking/tracking-freight.html?tracking-id={number}",
        phone="0771-345 345",
        phone_hours="vardagar 08.00–17.00",
        countries=("SE",),
        verified=False,
        source="Phone: dhl.com/se-en/home/freight/help-center-for-european-road-and-rail/"
        "faq-for-international-road-freight.html. Tracking URL not sourced: check it.",
        aliases=(
            "dhl freight",
            "dhl service point",
            "dhl servicepoint",
            "dhl parcel",
            "dhl paket",
            "dhl home delivery",
            "dhl hemleverans",
        ),
    ),
    CarrierData(
        "dhl_ecommerce",
        "DHL eCommerce",
        "https://webtrack.dhlglobalmail.com/?trackingnumber={number}",
        verified=True,
        source=f"URL: {_WOO}DHLShippingProvider.php @1cf83fd3 (GM/LX/RX prefixes); formats: "
        f"{_TND}dhl.json (MIT).",
        aliases=("dhl ecommerce", "dhl e-commerce", "dhl global mail", "dhl globalmail"),
    ),
    CarrierData(
        "ups",
        "UPS",
        "https://www.ups.com/track?tracknum={number}",
        verified=True,
        source=f"URL: {_WOO}UPSShippingProvider.php @04ca6916; formats: {_TND}ups.json (MIT). "
        "No phone found (ups.com/se/sv/support/tracking-support).",
        aliases=("ups", "ups standard", "ups express", "ups access point", "united parcel service"),
    ),
    CarrierData(
        "gls",
        "GLS",
        "https://gls-group.eu/EU/en/parcel-tracking/{number}",
        countries=("DK", "SE", "NO", "FI"),
        verified=True,
        source=f"URL: {_WOO}GLSShippingProvider.php @8d58a421. No phone found.",
        aliases=(
            "gls",
            "gls denmark",
            "gls sweden",
            "gls sverige",
            "gls norge",
            "general logistics systems",
        ),
    ),
    CarrierData(
        "schenker",
        "DB Schenker (DSV)",
        "https://www.dbschenker.com/app/tracking-public/?refNumber={number}",
        countries=("SE", "DK", "NO", "FI"),
        verified=False,
        source="Tracking URL seen only in unrelated third-party code: check it. Complaints: "
        "dbschenker.com/se-sv/produkter/praktisk-information/så-reklamerar-du.",
        aliases=(
            "schenker",
            "db schenker",
            "dbschenker",
            "schenker privpak",
            "privpak",
            "dsv",
            "dsv schenker",
        ),
    ),
    CarrierData(
        "budbee",
        "Budbee",
        "https://tracking.budbee.com/{number}",
        countries=("SE", "DK", "NO", "FI"),
        verified=False,
        source="Tracking URL seen only in unrelated third-party code: check it. No phone "
        "(budbee.com/privacy-policy: Budbee AB, Stockholm).",
        aliases=("budbee", "budbee box", "budbee home"),
    ),
    CarrierData(
        "instabox",
        "Instabox",
        "https://instabox.se/sv/spara?token={number}",
        countries=("SE", "DK", "NO"),
        verified=False,
        source="Tracking URL seen only in unrelated third-party code: check it. Help centre "
        "with chat, email, phone: instabox.io/no-NO/help.",
        aliases=("instabox", "instabee", "instabox express"),
    ),
    CarrierData(
        "airmee",
        "Airmee",
        countries=("SE",),
        verified=False,
        source="No source found for a tracking URL or phone: fill in.",
        aliases=("airmee",),
    ),
    CarrierData(
        "earlybird",
        "Early Bird",
        countries=("SE",),
        verified=False,
        source="Early Bird texts the customer a tracking link (dinsko.se/kundservice/"
        "kopinformation/leverans); no public URL template or phone found: fill in.",
        aliases=("early bird", "earlybird", "early bird postlådeleverans"),
    ),
    CarrierData(
        "posti",
        "Posti",
        "https://www.smartposti.fi/track/{number}",
        countries=("FI",),
        verified=False,
        source=f"URL: {_WOO}ItellaShippingProvider.php @8d58a421 ('Smartposti (Itella)'); "
        "that it tracks Posti's Finnish items is not confirmed.",
        aliases=("posti", "itella", "smartposti", "posti oy"),
    ),
    CarrierData(
        "upu",
        "Post (UPU)",
        "https://www.postnord.se/track-and-trace/{number}",
        verified=False,
        source=f"International postal items (S10 format, {_TND}s10.json, MIT) from a country "
        "without its own entry. Assumed: PostNord tracks items arriving in Sweden; "
        "change to your country's post.",
        aliases=(),
    ),
)

_BY_CODE = {c.code: c for c in REGISTRY}


def registry_entry(code: str) -> CarrierData | None:
    return _BY_CODE.get(code)


# ---------------------------------------------------------------------------------------
# Check digits


def s10_check_digit(serial: str) -> int:
    """UPU S10: weights 8,6,4,2,3,5,9,7 over the 8 digits, mod 11 (10 → 0, 11 → 5)."""
    total = sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def ups_mod10_ok(sequence: str, check: str) -> bool:
    """UPS: letters become digits ((ord − 3) mod 10, A→2), every second one doubled."""
    total = 0
    for i, ch in enumerate(sequence):
        value = int(ch) if ch.isdigit() else (ord(ch) - 3) % 10
        total += value * (2 if i % 2 else 1)
    return (10 - total % 10) % 10 == int(check)


def dhl_mod7_ok(serial: str, check: str) -> bool:
    return int(serial) % 7 == int(check)


def gs1_check_digit(digits: str) -> int:
    """GS1 (SSCC, GTIN): weights 3,1,3,… from the right, mod 10."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


# Country codes the S10 lookup knows (tracking_number_data s10.json); "XX" is no country.
S10_COUNTRIES = frozenset(
    "AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD "
    "CF CG CH CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FR GA "
    "GB GD GE GH GM GN GQ GR GT GW GY HK HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG "
    "KH KI KM KN KP KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MK ML MM MN MR "
    "MT MU MV MW MX MY MZ NA NE NG NI NL NO NP NR NZ OM PA PE PG PH PK PL PT PY QA RO RS RU "
    "RW SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN TO TR TT "
    "TV TZ UA UG US UY UZ VA VC VE VN VU WS YE ZA ZM ZW".split()
)
# S10 service indicators (first two letters) the UPU defines.
_S10_SERVICE = re.compile(r"[CEHLMRUV][A-Z]|Q[A-M]|[BDNPZ][A-Z]|A[V-Z]|G[AD]")
# The postal operator of the S10 country suffix, where we have one.
_S10_CARRIER = {"SE": "postnord", "DK": "postnord", "NO": "bring", "FI": "posti"}


# ---------------------------------------------------------------------------------------
# Detection


@dataclass(frozen=True)
class CarrierGuess:
    """A carrier a tracking number may belong to. ``checksum_ok`` is True only when the
    format has a check digit and it matches; format-only matches have it False and a
    lower ``confidence`` (0–100). ``code`` is "" for an SSCC, whose carrier is unknown."""

    code: str
    name: str
    checksum_ok: bool
    confidence: int
    format: str = ""


def normalize(number: str) -> str:
    """The form numbers are compared and linked in: no spaces, upper case, without the
    punctuation people put around them ("#", quotes, a full stop after it)."""
    text = re.sub(r"\s+", "", number or "").upper()
    return text.strip("#.,;:!?()[]<>\"'")


def _guess(code: str, ok: bool, confidence: int, fmt: str) -> CarrierGuess:
    entry = _BY_CODE.get(code)
    return CarrierGuess(code, entry.name if entry else "", ok, confidence, fmt)


def _s10(n: str) -> list[CarrierGuess]:
    m = re.fullmatch(r"([A-Z]{2})(\d{8})(\d)([A-Z]{2})", n)
    if not m or m.group(4) not in S10_COUNTRIES or not _S10_SERVICE.fullmatch(m.group(1)):
        return []
    ok = s10_check_digit(m.group(2)) == int(m.group(3))
    country = m.group(4)
    code = _S10_CARRIER.get(country, "upu")
    confidence = (95 if code != "upu" else 80) if ok else 20
    return [_guess(code, ok, confidence, "s10")]


def _ups(n: str) -> list[CarrierGuess]:
    if m := re.fullmatch(r"1Z([A-Z0-9]{15})(\d)", n):
        ok = ups_mod10_ok(m.group(1), m.group(2))
        return [_guess("ups", ok, 98 if ok else 25, "ups")]
    if m := re.fullmatch(r"[AHJKTV](\d{9})(\d)", n):
        # A letter and ten digits is too plain to flag when the check digit fails.
        ok = ups_mod10_ok(m.group(1), m.group(2))
        return [_guess("ups", True, 80, "ups_waybill")] if ok else []
    return []


def _dhl(n: str) -> list[CarrierGuess]:
    if re.fullmatch(r"J[A-Z]{2,3}\d{9,10}", n):
        return [_guess("dhl_express", False, 85, "dhl_piece_id")]
    if re.fullmatch(r"(?:GM|LX|RX|UV|CN|SG|TH|IN|HK|MY)(?=[0-9A-Z]*[0-9])[0-9A-Z]{10,39}", n):
        return [_guess("dhl_ecommerce", False, 60, "dhl_ecommerce")]
    if re.fullmatch(r"\d{14}", n):
        return [_guess("dhl_ecommerce", False, 30, "dhl_ecommerce_14")]
    guesses = []
    if m := re.fullmatch(r"(\d{9,10})(\d)", n):
        ok = dhl_mod7_ok(m.group(1), m.group(2))
        guesses.append(
            _guess("dhl_express", ok, (70 if len(n) == 11 else 60) if ok else 10, "dhl_express")
        )
    # DHL Freight Sweden: "normally 10 digits … order numbers like ABC-EC-123467 or 11
    # digits for foreign countries" (DHL Freight SE FAQ). No check digit.
    if re.fullmatch(r"\d{10,11}|[A-Z]{3}-[A-Z]{2}-\d{6}", n):
        guesses.append(_guess("dhl_freight", False, 30 if n[0].isdigit() else 60, "dhl_freight"))
    return guesses


def _sscc(n: str) -> list[CarrierGuess]:
    m = re.fullmatch(r"(00)?(\d{18})", n)
    if not m:
        return []
    ok = gs1_check_digit(m.group(2)[:-1]) == int(m.group(2)[-1])
    if not ok:
        return []
    return [CarrierGuess("", "", True, 70 if m.group(1) else 40, "sscc")]


_DETECTORS = (_s10, _ups, _dhl, _sscc)


def detect(number: str) -> list[CarrierGuess]:
    """Every carrier ``number`` may belong to, best first (highest confidence, a verified
    check digit before a format match). Empty when no known format fits."""
    return list(_detect(normalize(number)))


@lru_cache(maxsize=4096)
def _detect(n: str) -> tuple[CarrierGuess, ...]:
    if not n:
        return ()
    guesses = [g for detector in _DETECTORS for g in detector(n)]
    return tuple(sorted(guesses, key=lambda g: (-g.confidence, not g.checksum_ok)))


# ---------------------------------------------------------------------------------------
# Free text

# Candidates, loosely: the strict test is detect() plus the acceptance rule below.
_CANDIDATES = re.compile(
    r"(?<![\w\-+])(?:"
    r"[A-Za-z]{2} ?\d{3} ?\d{3} ?\d{3} ?[A-Za-z]{2}"  # S10, also "RR 123 456 785 SE"
    r"|1[Zz](?: ?[A-Za-z0-9]){16}"  # UPS 1Z, also in groups
    r"|[AHJKTV]\d{10}"  # UPS waybill
    r"|J[A-Z]{2,3}\d{9,10}"  # DHL piece id
    r"|(?:GM|LX|RX|UV|CN|SG|TH|IN|HK|MY)[0-9A-Z]{10,39}"  # DHL eCommerce (upper case only)
    r"|[A-Z]{3}-[A-Z]{2}-\d{6}"  # DHL Freight order number
    r"|\(?00\)? ?\d{18}"  # SSCC with its "(00)"
    r"|\d{10,18}"  # bare digits: need a label
    r")(?![\w\-])"
)
# Formats that stand on their own in text once detect() agrees (check digit or unmistakable).
_SELF_EVIDENT = {"s10", "ups", "ups_waybill", "dhl_piece_id"}
_TRACKING_WORDS = re.compile(
    r"\b(?:kolli\w*|colli\w*|sändning\w*|försändelse\w*|spårning\w*|spåra\w*|sporing\w*|"
    r"spor\w*|forsendelse\w*|fraktsedel\w*|paket\w*|pakke\w*|parcel\w*|track\w*|waybill|"
    r"awb|shipment\w*|dhl|postnord|bring|posten|ups|gls|schenker|dsv|posti|budbee|"
    r"instabox)\b",
    re.IGNORECASE,
)
_OTHER_WORDS = re.compile(
    r"#|\b(?:order\w*|ordre\w*|beställning\w*|bestilling\w*|faktura\w*|invoice\w*|"
    r"kvitto\w*|kundn\w*|artikel\w*|art\.?nr|ocr|konto\w*|clearing\w*|tel|tfn|telefon\w*|"
    r"mobil\w*|ring\w*|sms|nås|phone|person\w*|pnr)\b",
    re.IGNORECASE,
)
_LABEL_WINDOW = 40


def find_tracking_numbers(text: str) -> list[tuple[str, str]]:
    """Tracking numbers in free text (a customer's email, a form), normalized, with the
    best carrier code ("" when only the number's kind is known), in order of appearance.

    Never an order number like "10234", a phone number or a personnummer: see the module
    docstring for what counts as evidence.
    """
    text = text or ""
    found: dict[str, str] = {}
    for match in _CANDIDATES.finditer(text):
        number = normalize(match.group(0).replace("(", "").replace(")", ""))
        if number in found:
            continue
        before = text[max(0, match.start() - _LABEL_WINDOW) : match.start()]
        best = _accepted(number, match.group(0), before)
        if best is not None:
            found[number] = best.code
    return list(found.items())


def _accepted(number: str, raw: str, before: str) -> CarrierGuess | None:
    guesses = detect(number)
    if not guesses:
        return None
    best = guesses[0]
    if best.format == "dhl_ecommerce":
        # Only the prefixes DHL's own tooling names, and mostly digits: "INVOICE2024…"
        # is not a parcel.
        digits = sum(ch.isdigit() for ch in number)
        return best if number[:2] in ("GM", "LX", "RX") and digits >= 10 else None
    if best.format in _SELF_EVIDENT:
        return best if best.checksum_ok or best.format == "dhl_piece_id" else None
    if best.format == "sscc" and best.confidence >= 70:
        return best  # "00" + 18 digits with a valid GS1 digit
    # Bare digits (and DHL Freight's order format): a tracking word must name it, and it
    # must not be a phone number or a personnummer written without its label.
    if not _labelled_as_tracking(before):
        return None
    if raw.isdigit() and (_looks_like_phone(number) or contains_personal_number(number)):
        return None
    checked = [g for g in guesses if g.checksum_ok]
    if checked:
        return checked[0]
    # Without a check digit only DHL Freight's lettered order format ("ABC-EC-123467").
    return best if best.format == "dhl_freight" and not raw.isdigit() else None


def _labelled_as_tracking(before: str) -> bool:
    """Is the nearest label before the number (same line, close by) a tracking word?"""
    window = before.rsplit("\n", 1)[-1]
    tracking = [m.end() for m in _TRACKING_WORDS.finditer(window)]
    other = [m.end() for m in _OTHER_WORDS.finditer(window)]
    return bool(tracking) and (not other or max(tracking) > max(other))


def _looks_like_phone(number: str) -> bool:
    # Nordic phone numbers: national (0…) or with the country code but without "+".
    return (
        (number.startswith("0") and len(number) <= 11)
        or (number.startswith(("45", "46", "47")) and len(number) <= 11)
        or (number.startswith("358") and len(number) <= 12)
    )


# ---------------------------------------------------------------------------------------
# The editable rows


def carrier_for(code: str) -> Carrier | None:
    """The admin-editable ``Carrier`` row for ``code``; when there is no row (an admin
    deleted it, or the seeded rows were flushed) an unsaved one from the registry; None
    for a code we do not know."""
    if not code:
        return None
    row = Carrier.objects.filter(code=code).first()
    if row is None and code in _BY_CODE:
        row = Carrier(**_BY_CODE[code].row())
    return row


def tracking_link(code: str, number: str) -> str:
    """The carrier's tracking page for ``number`` ("" when there is none): the admin's
    template first, the registry's as fallback; the number URL-quoted."""
    number = normalize(number)
    if not number:
        return ""
    row = carrier_for(code)
    entry = _BY_CODE.get(code)
    template = (row.tracking_url if row else "") or (entry.tracking_url if entry else "")
    template = template.strip()
    # An admin-edited value ends up in href attributes: only web links.
    if not template.lower().startswith(("https://", "http://")):
        return ""
    return template.replace("{number}", quote(number, safe=""))


def carrier_code_for_name(name: str) -> str:
    """Map a platform's free-text carrier name ("PostNord", "Posten Norge", "DHL Express",
    "Bring") to a carrier code; "" when it names none we know, or is ambiguous."""
    text = re.sub(r"[\s_]+", " ", (name or "").strip().lower())
    if not text:
        return ""
    if text.replace(" ", "_") in _BY_CODE:
        return text.replace(" ", "_")
    for entry in REGISTRY:
        if text in entry.aliases:
            return entry.code
    # Longer phrases first, so "dhl freight sverige" is Freight, not Express.
    for alias, code in _ALIASES_LONGEST_FIRST:
        if re.search(rf"(?<![\w]){re.escape(alias)}(?![\w])", text):
            return code
    return ""


_ALIASES_LONGEST_FIRST = sorted(
    ((alias, entry.code) for entry in REGISTRY for alias in entry.aliases),
    key=lambda pair: -len(pair[0]),
)
