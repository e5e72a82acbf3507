"""The new text of an inbound email (rule R5): strip quoted history and signatures.

mail-parser-reply is the only library that handled Swedish/Danish Gmail and Outlook headers
(TRAPS.md): its per-language header regexes are a second header detector here (held to the same
checks as ours) and its sign-off lists feed ours. But it only returns the text *above* the first
header, so the rest is our own line-based rules (patterns in quote_patterns.py): headers it
misses (Norwegian, "On … wrote:" wrapped over lines, other languages' clients, "-----Original
Message-----"), '>'-quoted blocks with new text below or between them (bottom-posting, inline
answers), signatures, sign-offs and mobile taglines.

html_to_text / sanitize_html (htmltext.py) are re-exported: HTML-only mail goes through
html_to_text first, so its <blockquote>s reach the quote stripper as '>' lines.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from mailparser_reply import EmailReplyParser
from mailparser_reply.constants import MAIL_LANGUAGES

from kundsvar.channels.email import quote_patterns as P
from kundsvar.channels.email.htmltext import html_to_text, sanitize_html

__all__ = ["ReplyParts", "extract_new_text", "html_to_text", "sanitize_html", "split_reply"]

DEFAULT_LANGUAGES = ("sv", "da", "nb", "en")

# mail-parser-reply has no Norwegian; its Danish rules ("Fra:", "skrev", "Mvh") fit it.
_MPR_ALIASES = {"nb": "da", "nn": "da", "no": "da"}
# Its "david" entry is the header of the David groupware, which any customer may use.
_MPR_ALWAYS = ("david",)
_MAX_HEADER = 400  # characters; longer "headers" are prose, and bounding them keeps regexes linear


@dataclass(frozen=True)
class ReplyParts:
    """An inbound body split into what the customer just wrote and what came with it."""

    new_text: str
    signature: str = ""
    quoted: str = ""


def _quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _tagline(line: str) -> bool:
    return bool(P.DEVICE.match(re.sub(r"<[^>]*>", "", line).strip()))  # "Get Outlook<https://…>"


@lru_cache(maxsize=16)
def _mpr_header_re(languages: tuple[str, ...]) -> re.Pattern[str]:
    mapped = [_MPR_ALIASES.get(lang, lang) for lang in languages] + list(_MPR_ALWAYS)
    known = list(dict.fromkeys(lang for lang in mapped if lang in MAIL_LANGUAGES))
    return EmailReplyParser(languages=known).read(text="").HEADER_REGEX


# --- finding headers ------------------------------------------------------------------------


def _joined(lines: list[str]) -> str:
    text = " ".join(line.strip() for line in lines)
    return re.sub(r"<\s+", "<", re.sub(r"\s+>", ">", text))


def _is_reply_header(text: str, multiline: bool) -> bool:
    # Real headers carry a date or time and/or the address; "Den här skrev ni om:" has neither.
    if len(text) > _MAX_HEADER or not ("@" in text or P.DATE_OR_TIME.search(text)):
        return False
    opener = P.OPENER.match(text)
    if multiline and not opener:
        return False
    if P.VERB_MID.search(text) or P.ON_NO_COLON.match(text):
        return True
    # "… and wrote:" ends sentences too: it needs a header's start, an address or a clock time.
    if P.VERB_END.search(text) and (opener or "@" in text or P.TIME.search(text)):
        return True
    return bool(P.DATE_ADDR.search(text) and P.DATE_OR_TIME.search(text))


def _reply_headers(lines: list[str]) -> dict[int, int]:
    """'… wrote:' style headers, possibly wrapped over up to four lines: {first line: end}."""
    found: dict[int, int] = {}
    for end, line in enumerate(lines):
        tail = line.rstrip()
        if not tail or len(tail) > _MAX_HEADER or not (tail.endswith(":") or "wrote" in tail):
            continue
        for start in range(max(0, end - 3), end + 1):  # longest window first
            window = lines[start : end + 1]
            body = window[:-1]
            if any(not w.strip() or _quoted(w) or w.endswith((".", "!", "?")) for w in body):
                continue
            # "Am heutigen Tage\nAm So., 1. Jan. 2023 … schrieb …:" – the header is the second line.
            if any(re.match(P.OPENER_WORD, w.strip()) for w in window[1:]):
                continue
            # A wrapped header starts like one on its own first line, with its opening word or
            # the date: in "Tack\n2 apr. 2012 kl. 14:20 skrev …:" the "Tack" only looks like a
            # weekday once the lines are joined, and "10 st\n2 apr. …" is not a date.
            first = window[0].strip()
            if body and not (
                re.match(P.OPENER_WORD, first)
                or (P.OPENER.match(first) and P.DATE_OR_TIME.search(first))
            ):
                continue
            if _quoted(window[-1]) and not (body and P.HEADER_TAIL.fullmatch(window[-1])):
                continue
            if _is_reply_header(_joined(window), multiline=start < end):
                found.setdefault(start, end + 1)
                break
    return found


def _key_block(lines: list[str], start: int) -> int | None:
    """End of an Outlook-style 'From:/Sent:/To:/Subject:' block (any language) at start."""
    keys, last, i = [], start, start
    while i < len(lines) and lines[i].strip() and i - last <= 2 and i - start < 10:
        match = P.KEY_LINE.match(lines[i])
        if match:  # a non-key line in between is a wrapped value
            keys.append((match.lastgroup or "other", lines[i][match.end() :]))
            last = i
        i += 1
    names = [name for name, _ in keys]
    block = " ".join(lines[start : last + 1])
    # "Från: Stockholm\nTill: Göteborg" is a route; a mail header has a subject or an address,
    # or is Outlook's From, Sent (with a clock time), To in that order.
    if len(keys) >= 2 and "from" in names and ("subject" in names or "@" in block):
        return last + 1
    if names[:3] == ["from", "sent", "to"] and P.TIME.search(keys[1][1]):
        return last + 1
    return None


def _from_blocks(lines: list[str]) -> dict[int, int]:
    found: dict[int, int] = {}
    for i, line in enumerate(lines):
        if _quoted(line) or not P.KEY_LINE.match(line) or (i and P.KEY_LINE.match(lines[i - 1])):
            continue  # only look at the first key line of a run
        end = _key_block(lines, i)
        if end:
            found[i] = end
    return found


def _line_matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern whose every match starts at a line's start
    or at a newline, as mail-parser-reply's header regexes do: tried only there, not at
    every character (a quarter of the time on a 3 KB reply)."""
    pos, end = 0, len(text)
    while pos <= end:
        match = pattern.match(text, pos)
        if match:
            yield match
            pos = max(match.end(), pos + 1)
            continue
        newline = text.find("\n", pos)
        if newline < 0:
            return
        pos = newline if newline > pos else newline + 1


def _mpr_headers(lines: list[str], languages: tuple[str, ...]) -> dict[int, int]:
    """Header starts found by mail-parser-reply's regexes, held to the same checks as ours."""
    probe = "\n".join(line.strip() if len(line) <= _MAX_HEADER else "" for line in lines)
    starts: list[int] = []  # where each line of the probe starts, once a header is found
    found: dict[int, int] = {}
    for match in _line_matches(_mpr_header_re(languages), probe):
        starts = starts or list(
            itertools.accumulate((len(x) + 1 for x in probe.split("\n")), initial=0)
        )
        raw = match.group(0)
        offset = match.start() + len(raw) - len(raw.lstrip("\n"))
        start = bisect.bisect_right(starts, offset) - 1
        end = start + raw.strip("\n").count("\n") + 1
        if _quoted(lines[start]):
            continue
        if P.KEY_LINE.match(lines[start]):
            end = _key_block(lines, start)
        elif not _is_reply_header(_joined(lines[start:end]), multiline=False):
            end = None
        if end:
            found.setdefault(start, end)
    return found


def _find_headers(lines: list[str], languages: tuple[str, ...]) -> dict[int, int]:
    candidates = {**_mpr_headers(lines, languages), **_from_blocks(lines), **_reply_headers(lines)}
    candidates.update({i: i + 1 for i, line in enumerate(lines) if P.ORIGINAL.match(line)})
    headers: dict[int, int] = {}
    covered = -1
    for start in sorted(candidates):
        end = candidates[start]
        if start < covered:
            continue
        # Pull in rule lines drawn above the header ("____", "====", " -----") and blanks between.
        top = start
        for above in range(start - 1, max(covered, 0) - 1, -1):
            if lines[above].strip() and not P.RULE.match(lines[above]):
                break
            top = above if lines[above].strip() else top
        headers[top], covered = end, end
    return headers


# --- marking quoted lines -------------------------------------------------------------------


def _quote_block_end(lines: list[str], i: int) -> int:
    """End of a '>' block starting at i, including blanks and lines the sender's client wrapped."""
    n = len(lines)
    while i < n:
        if _quoted(lines[i]) or not lines[i].strip():
            i += 1
            continue
        # "> …a long quoted line that got cut\nhere\n> …" – the unquoted bit is still quote.
        run = i
        while run < n and run - i < 2 and lines[run].strip() and not _quoted(lines[run]):
            run += 1
        if not (len(lines[i - 1]) >= 60 and run < n and _quoted(lines[run])):
            break
        i = run
    while i > 0 and not lines[i - 1].strip():
        i -= 1
    return i


def _mark_quotes(lines: list[str], headers: dict[int, int]) -> list[str]:
    kinds = ["new"] * len(lines)
    seen_new = False
    i = 0
    while i < len(lines):
        if i in headers:
            end = headers[i]
            kinds[i:end] = ["quoted"] * (end - i)
            after = next((j for j in range(end, len(lines)) if lines[j].strip()), len(lines))
            if after < len(lines) and not _quoted(lines[after]) and seen_new:
                # An unquoted original below a header (Outlook, Gmail plain): the rest is history.
                kinds[end:] = ["quoted"] * (len(lines) - end)
                break
            # Otherwise either '>' lines follow (handled next), or nothing new came before the
            # header: a forward or pasted mail without comment, whose body is then the message.
            i = end
            continue
        if _quoted(lines[i]):
            end = _quote_block_end(lines, i)
            kinds[i:end] = ["quoted"] * (end - i)
            i = end
            continue
        seen_new = seen_new or bool(lines[i].strip())
        i += 1
    return kinds


# --- signatures -----------------------------------------------------------------------------


def _needed(text: str) -> bool:
    """A line the agent needs (a question, a reference, a sentence), so never signature."""
    if len(text) > 80 or "?" in text or len(text.split()) > 8 or P.REFERENCE.search(text):
        return True
    if P.CONTACT.search(text):  # "Tel: 070-…", "anna@bergsbygg.se", "www.…"
        return False
    words = re.findall(r"[^\W\d_]{2,}", text)
    if text.endswith((".", "!", ":")) and len(words) > 3:
        return True  # a sentence, not "Acme Inc." or "CEO @ Acme !"
    if len(words) >= 3 and 2 * sum(w[0].islower() for w in words) > len(words):
        return True  # prose ("jag vill avbeställa"), not a name, title or company
    if any(ch.isdigit() for ch in text):  # digits are a phone, an address or content
        return not (P.PHONE.match(text) or P.POSTAL.match(text) or P.STREET.match(text))
    return False


def _signoff_end(lines: list[str], i: int, stop: int) -> int:
    """End of the sign-off block opened by the closing at line i: name, title, company and
    contact lines, up to a formal signature or tagline, which belong to it, or up to the first
    line the agent needs, which stays new text (A6)."""
    end = i + 1
    for j in range(i + 1, stop):
        text = lines[j].strip()
        if P.SIG_DELIMITER.match(text) or _tagline(text):
            return stop
        if text and _needed(text):
            break
        end = j + 1 if text else end
    return end


def _valediction_ok(lines: list[str], i: int, stop: int) -> bool:
    line = lines[i].strip()
    if not P.VALEDICTION.match(line):
        return False
    below = [lines[j].strip() for j in range(i + 1, stop) if lines[j].strip()]
    if not below:
        return not P.THANKS_ONLY.match(line)  # a bare "Thanks!" ends the text
    first = below[0]
    if P.SIG_DELIMITER.match(first) or _tagline(first):
        return True
    # "Tack på förhand!\n\nVårt kundnummer: 55123" is text; so is a closing with a later one.
    if _needed(first) or any(P.VALEDICTION.match(text) for text in below):
        return False
    return _signoff_end(lines, i, stop) - i <= 9  # a name and a few contact lines


def _delimiter_ok(lines: list[str], i: int, stop: int, text_above: bool) -> bool:
    """A "-- " line opens the signature, except on top of a body going on with text the agent
    needs ("--\nHej! Var är min order?"): then it is decoration, not an all-signature body."""
    if not P.SIG_DELIMITER.match(lines[i].strip()):
        return False
    return text_above or not any(_needed(lines[j].strip()) for j in range(i + 1, stop))


def _signoff_ok(lines: list[str], i: int, stop: int) -> bool:
    if not P.NAME_SIGNOFF.match(lines[i].strip()):
        return False
    above = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
    if P.LIST_ITEM.match(above):
        return False
    below = next((lines[j].strip() for j in range(i + 1, stop) if lines[j].strip()), "")
    return not below or bool(P.SIG_DELIMITER.match(below) or _tagline(below))


def _mark_signature(
    lines: list[str], kinds: list[str], start: int, stop: int, text_above: bool
) -> bool:
    """Mark the signature in one run of new lines; returns whether new text was seen."""
    for i in range(start, stop):
        text = lines[i].strip()
        if not text:
            continue
        below_text = text_above and (P.DISCLAIMER.match(text) or _valediction_ok(lines, i, stop))
        if not (
            below_text
            or _tagline(text)
            or _delimiter_ok(lines, i, stop, text_above)
            or _signoff_ok(lines, i, stop)
        ):
            text_above = True
            continue
        end = _signoff_end(lines, i, stop) if below_text and not P.DISCLAIMER.match(text) else stop
        if end < stop:  # text the agent needs follows the sign-off: only the block is cut
            kinds[i:end] = ["signature"] * (end - i)
            return _mark_signature(lines, kinds, end, stop, True)
        tagline = next((j for j in range(i, stop) if _tagline(lines[j])), stop - 1)
        kinds[i : tagline + 1] = ["signature"] * (tagline + 1 - i)
        # Below "Sent from my iPhone" mobile clients put the original, header or not.
        kinds[tagline + 1 : stop] = ["quoted"] * (stop - tagline - 1)
        break
    return text_above


def _mark_signatures(lines: list[str], kinds: list[str]) -> None:
    start, text_above = 0, False
    for kind, run in itertools.groupby(list(kinds)):
        stop = start + len(list(run))
        if kind == "new":
            text_above = _mark_signature(lines, kinds, start, stop, text_above)
        start = stop


# --- public API -----------------------------------------------------------------------------


def _normalise(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\ufeff", "").replace("\u200b", "")
    return [line.rstrip() for line in text.split("\n")]


def _collect(lines: list[str], kinds: list[str], kind: str) -> str:
    out: list[str] = []
    for i, line in enumerate(lines):
        if kinds[i] == kind:
            if out and i and kinds[i - 1] != kind:
                out.append("")  # something was cut out here
            out.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")


def split_reply(text: str, languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> ReplyParts:
    """Split a plain-text body into new text, the sender's signature and quoted history.

    `languages` picks mail-parser-reply's header rules (nb/nn/no use its Danish ones); our own
    rules always cover Nordic, English and the other languages in quote_patterns.py, since
    customers write from every kind of client.
    """
    languages = tuple(languages)
    lines = _normalise(text or "")
    kinds = _mark_quotes(lines, _find_headers(lines, languages))
    _mark_signatures(lines, kinds)
    return ReplyParts(
        new_text=_collect(lines, kinds, "new"),
        signature=_collect(lines, kinds, "signature"),
        quoted=_collect(lines, kinds, "quoted"),
    )


def extract_new_text(text: str, languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> str:
    """What the customer just wrote: no quoted history, no signature, no "Sent from my …"."""
    return split_reply(text, languages).new_text
