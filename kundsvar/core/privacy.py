"""Masking Swedish personal identity numbers in free text (rule C3).

Customers write their personnummer (or samordningsnummer) into mails and forms although
we never ask for it. Everything we store for display, search and export goes through
``mask_personal_numbers`` first; the raw message is kept elsewhere under stricter access.

What counts as a personal number here:

* 10 digits ``YYMMDD-NNNN``, ``YYMMDDNNNN``, ``YYMMDD NNNN`` or ``YYMMDD+NNNN``
  (``+`` is how Skatteverket writes it for people aged 100 or more);
* 12 digits ``YYYYMMDD-NNNN``, ``YYYYMMDDNNNN`` or ``YYYYMMDD NNNN``;
* the date part is a real date (a samordningsnummer adds 60 to the day), a 12-digit
  number's date is not in the future, and the last digit is the Luhn check digit of the
  10-digit form.

The whole number is replaced by ``MASK`` ("[personnummer borttaget]"): Swedish agents
read it at a glance, it keeps no digit that could help re-identify the person (not
even the birth date, which with a name is often enough), and since it has no digits
masking twice changes nothing.

Numbers that merely look like one are left alone, because masking an order or
phone number would stop the agent from helping:

* digit runs longer than the number, or glued to letters (``SE5566778899 01``,
  ``RR123456785SE``) are not candidates at all;
* separators other than the one between date and serial (``070-123 45 67``) never match,
  nor does one group of a spaced digit sequence (``OCR 8001011234 5678``);
* an *unseparated* or space-separated number right after an order, tracking or phone
  word on the same line (``ordernr 8001011234``, ``DHL 3318810025``,
  ``mobil 0701234567``) is taken to be that, unless a personnummer word comes later.
  With a dash or plus it is written the way only a personnummer is written, so it is
  masked whatever the label says.

An unlabelled ``0701234569`` is both a mobile number and a valid personnummer (born
2007-01-23); C3 errs on the side of privacy and masks it.

The neighbours' numbers are masked the same way, after the Swedish pass (``_mask_nordic``):

* Norwegian fødselsnummer (and D/H-numbers): ``DDMMYYIIIKK`` or ``DDMMYY IIIKK``, a real
  date (D-number: day + 40, H-number: month + 40) and both mod-11 check digits right;
* Finnish henkilötunnus: ``DDMMYY`` + century sign (``+``, ``-``, ``Y X W V U``,
  ``A B C D E F``) + ``ZZZ`` + the check character (mod 31), e.g. ``131052-308T``;
* Danish CPR: ``DDMMYY-SSSS`` (or without the dash) with a real date, when a CPR word
  (CPR, personnummer, person nr) stands before it on the same line. Since 2007 not every
  CPR passes the mod-11 check, so there is no check digit to tell it from a Swedish
  number with a wrong check digit, an order or an invoice number: the word decides.

Unseparated numbers after an order, tracking or phone word are left alone, as above.
"""

import re
from calendar import monthrange
from datetime import UTC, date, datetime

MASK = "[personnummer borttaget]"

# The separator is captured so the context rule can tell "8001011234" from "800101-1234".
# Not glued to letters, digits or dashes on either side; a slash is fine (".../811218-9876/").
_CANDIDATE = re.compile(
    r"(?<![\w+\-])(?<![0-9][.,])"
    r"(?P<century>[0-9]{2})?(?P<yymmdd>[0-9]{6})(?P<sep>[-+–\u2011 ]?)(?P<serial>[0-9]{4})"
    r"(?![\w\-]|[.,][0-9]|\+[0-9])"
)
# Every number masked here, of any country, starts with six digits in a row.
_SIX_DIGITS = re.compile(r"[0-9]{6}")
# "800101 1234 5678" or "12 8001011234": one group of a longer spaced number (OCR, card).
_GROUP_BEFORE = re.compile(r"[0-9] $")
_GROUP_AFTER = re.compile(r"^ [0-9]")

# How far back (characters, same line) a label may stand before the number it names.
_CONTEXT = 32
_TAIL = _CONTEXT + len("[personnummer borttaget] ")
# How much of the text after a number the rules look at (a neighbouring digit group or mask).
_AHEAD = len(" [personnummer borttaget]")
_OTHER_NUMBER_WORDS = re.compile(
    r"#|\b(?:order\w*|ordre\w*|beställning\w*|bestilling\w*|faktura\w*|invoice\w*|"
    r"kvitto\w*|kundn(?:ummer|r)\w*|artikel\w*|art\.?nr|"
    r"kolli\w*|sändning\w*|försändelse\w*|spårning\w*|tracking|track\w*|paket\w*|"
    r"waybill|dhl|postnord|bring|budbee|instabox|schenker|ups|fedex|dpd|gls|"
    r"tel|tfn|telefon\w*|mobil\w*|ring|sms|nås|phone)\b",
    re.IGNORECASE,
)
_PERSONAL_WORDS = re.compile(
    r"\b(?:person\w*|pnr|p-nr|samordning\w*|födelse\w*|född|identitet\w*)\b",
    re.IGNORECASE,
)


def mask_personal_numbers(text: str) -> tuple[str, int]:
    """Replace every personal identity number in ``text`` by ``MASK`` (rule C3).

    Returns the masked text and how many numbers were masked. One pass over the text,
    and each number is judged on a bounded window around it, so the time is linear in
    the length of the text (a 6 MB mail is masked in about a second, not minutes).
    """
    text = text or ""
    if not _SIX_DIGITS.search(text):  # most names, subjects and short mails: no candidate
        return text, 0
    out: list[str] = []
    done = ""  # the end of the output so far: labels and neighbours are judged on it
    count, pos = 0, 0
    for match in _CANDIDATE.finditer(text):
        out.append(text[pos : match.start()])
        done = (done + out[-1][-_TAIL:])[-_TAIL:]
        pos = match.end()
        # Judging on what is already masked means a second pass sees exactly the context
        # the first one saw, which is what makes masking idempotent. Only a window of what
        # follows: handing over the whole rest of the text copied it once per number.
        personal = _is_personal_number(match, done, text[pos : pos + _AHEAD])
        out.append(MASK if personal else match.group(0))
        done = (done + out[-1])[-_TAIL:]
        count += personal
    out.append(text[pos:])
    nordic, others = _mask_nordic("".join(out))
    return nordic, count + others


def contains_personal_number(text: str) -> bool:
    """Does ``text`` hold a personal identity number? (rule C3, e.g. to warn on a form)."""
    return mask_personal_numbers(text)[1] > 0


def _is_personal_number(match: re.Match, before: str, after: str) -> bool:
    century, yymmdd, sep, serial = match.group("century", "yymmdd", "sep", "serial")
    if century and sep == "+":
        return False  # the century marker only exists in the 10-digit form
    if not _valid_date(century, yymmdd, sep):
        return False
    if not luhn_valid(yymmdd + serial):
        return False
    if sep in ("", " ") and _in_digit_groups(before, after):
        return False
    if sep in ("", " ") and _labelled_as_other_number(before):
        return False
    return True


def _in_digit_groups(before: str, after: str) -> bool:
    # A mask stands where digits stood, so next to a space it groups like digits do.
    return bool(
        _GROUP_BEFORE.search(before[-2:])
        or _GROUP_AFTER.match(after[:2])
        or before.endswith(MASK + " ")
        or after.startswith(" " + MASK)
    )


def _valid_date(century: str | None, yymmdd: str, sep: str) -> bool:
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    if day > 60:
        day -= 60  # samordningsnummer
    if century:
        if century not in ("18", "19", "20"):
            return False
        year = int(century) * 100 + yy
        return _real_date(year, month, day) and date(year, month, day) <= datetime.now(UTC).date()
    # Without the century both readings are possible; '+' means a hundred years more.
    centuries = (1800, 1900) if sep == "+" else (1900, 2000)
    return any(_real_date(c + yy, month, day) for c in centuries)


def _real_date(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= monthrange(year, month)[1]


def luhn_valid(digits: str) -> bool:
    """Luhn check over the 10-digit form (weights 2,1,2,1,… from the left)."""
    return len(digits) == 10 and luhn_check_digit(digits[:9]) == int(digits[9])


def luhn_check_digit(nine_digits: str) -> int:
    """The check digit Skatteverket appends to YYMMDDNNN."""
    total = 0
    for i, ch in enumerate(nine_digits):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _labelled_as_other_number(before: str) -> bool:
    """Is the nearest label before the number (same line) an order/tracking/phone word?"""
    window = before[-_CONTEXT:].rsplit("\n", 1)[-1]
    other = [m.end() for m in _OTHER_NUMBER_WORDS.finditer(window)]
    if not other:
        return False
    personal = [m.end() for m in _PERSONAL_WORDS.finditer(window)]
    return not personal or max(other) > max(personal)


# -- Norway, Finland, Denmark ------------------------------------------------------------------
_NO_CANDIDATE = re.compile(
    r"(?<![\w+\-])(?P<date>[0-9]{6}) ?(?P<serial>[0-9]{5})(?![\w\-]|[.,][0-9])"
)
_FI_CANDIDATE = re.compile(
    r"(?<![\w+\-])(?P<date>[0-9]{6})(?P<century>[-+A-FU-Y])(?P<serial>[0-9]{3})"
    r"(?P<check>[0-9A-Y])(?![\w\-])",
    re.IGNORECASE,
)
_DK_CANDIDATE = re.compile(
    r"(?<![\w+\-])(?P<date>[0-9]{6})(?P<sep>[-–\u2011 ]?)(?P<serial>[0-9]{4})"
    r"(?![\w\-]|[.,][0-9])"
)
_CPR_WORDS = re.compile(r"\b(?:cpr\w*|personnummer\w*|person\s*nr)", re.IGNORECASE)
_FI_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_FI_CENTURY = {
    "+": 1800,
    "-": 1900,
    **dict.fromkeys("YXWVU", 1900),
    **dict.fromkeys("ABCDEF", 2000),
}
_NO_WEIGHTS = ((3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))


def _mask_nordic(text: str) -> tuple[str, int]:
    count = 0
    for pattern, judge in (
        (_FI_CANDIDATE, _is_finnish),
        (_NO_CANDIDATE, _is_norwegian),
        (_DK_CANDIDATE, _is_danish),
    ):
        text, found = _replace(text, pattern, judge)
        count += found
    return text, count


def _replace(text: str, pattern: re.Pattern, judge) -> tuple[str, int]:
    out: list[str] = []
    count, pos = 0, 0
    for match in pattern.finditer(text):
        before = text[max(0, match.start() - _TAIL) : match.start()]
        masked = judge(match, before, text[match.end() : match.end() + _AHEAD])
        out.append(text[pos : match.start()])
        out.append(MASK if masked else match.group(0))
        pos = match.end()
        count += masked
    out.append(text[pos:])
    return "".join(out), count


def _ddmmyy(digits: str, years: tuple[int, ...]) -> bool:
    day, month, yy = int(digits[:2]), int(digits[2:4]), int(digits[4:])
    return any(_real_date(century + yy, month, day) for century in years)


def _is_finnish(match: re.Match, before: str, after: str) -> bool:
    digits, century = match.group("date"), match.group("century").upper()
    day, month, yy = int(digits[:2]), int(digits[2:4]), int(digits[4:])
    if not _real_date(_FI_CENTURY[century] + yy, month, day):
        return False
    expected = _FI_CHECK[int(digits + match.group("serial")) % 31]
    return match.group("check").upper() == expected


def _is_norwegian(match: re.Match, before: str, after: str) -> bool:
    digits = match.group("date") + match.group("serial")
    day, month, yy = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    day -= 40 if day > 40 else 0  # D-number
    month -= 40 if month > 40 else 0  # H-number
    if not any(_real_date(c + yy, month, day) for c in (1900, 2000, 1800)):
        return False
    for weights, position in zip(_NO_WEIGHTS, (9, 10), strict=True):
        check = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11
        if (0 if check == 11 else check) != int(digits[position]):
            return False
    return not (_in_digit_groups(before, after) or _labelled_as_other_number(before))


def _is_danish(match: re.Match, before: str, after: str) -> bool:
    digits = match.group("date") + match.group("serial")
    if not _ddmmyy(digits, (1900, 2000)):
        return False
    if not _CPR_WORDS.search(before[-_CONTEXT:].rsplit("\n", 1)[-1]):
        return False
    return match.group("sep") not in ("", " ") or not _in_digit_groups(before, after)
