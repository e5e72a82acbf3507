"""Text out of MIME's encodings: charsets, RFC 2047 encoded words, raw 8-bit headers,
message ids and dates. Pure functions on strings and bytes; they never raise on odd input.

Real mail names charsets that do not exist or do not fit its bytes, so every decoder
falls back (declared charset, else UTF-8, else cp1252) instead of failing.
"""

import base64
import binascii
import codecs
import quopri
import re
from datetime import UTC, datetime
from email import policy
from email.headerregistry import HeaderRegistry
from email.utils import parsedate_to_datetime

# Windows labels cp1252 text (€, “”) ISO-8859-1; Korean/Chinese Outlook sends cp949/GBK
# under the older names. Decoding with the superset loses nothing.
_SUPERSETS = {"iso8859-1": "cp1252", "euc_kr": "cp949", "gb2312": "gb18030", "gbk": "gb18030"}
# Text codecs that would rewrite ordinary text (backslashes, "xn--") if a sender named them.
_REFUSED_CODECS = {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined"}


def decode_bytes(data: bytes, declared: str | None) -> tuple[str, bool]:
    """Bytes → text with the declared charset, else UTF-8, else cp1252.

    Returns the text and whether the declared charset (UTF-8 if none) fitted the bytes.
    """
    codec = _codec(declared)
    for candidate, fits in ((codec, True), ("utf-8", not declared)):
        if candidate:
            try:
                return data.decode(candidate), fits
            except (UnicodeError, ValueError):  # some CJK codecs raise more than they should
                pass
    if codec and codec not in ("ascii", "utf-8"):  # e.g. Shift_JIS with one bad byte
        try:
            return data.decode(codec, "replace"), False
        except Exception:  # noqa: BLE001
            return data.decode("latin-1"), False
    text = data.decode("utf-8", "replace")
    if text.count("\ufffd") * 2 > sum(ch > "\x7f" for ch in text):  # mostly not UTF-8
        text = data.decode("cp1252", "replace")
    return text, False


def _codec(name: str | None) -> str | None:
    name = (name or "").strip().strip("\"'").lower()
    try:
        info = codecs.lookup(name) if name else None
    except (LookupError, ValueError):
        return None
    if info is None or not info._is_text_encoding or info.name in _REFUSED_CODECS:
        return None
    return _SUPERSETS.get(info.name, info.name)


def decode_surrogates(value: str) -> tuple[str, bool]:
    """Raw 8-bit header bytes arrive as surrogate escapes: decode them (RFC 6532: UTF-8).

    Returns the text and whether the bytes were UTF-8 (True when there were none).
    """
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value, True
    return decode_bytes(value.encode("utf-8", "surrogateescape"), None)


def fix_surrogates(value: str) -> str:
    return decode_surrogates(value)[0]


def unfold(value: str) -> str:
    """A header value on one line: folds undone, other line breaks made spaces."""
    return re.sub(r"\r?\n(?=[ \t])", "", value).replace("\r", "").replace("\n", " ").strip()


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")


def decode_words(value: str) -> str:
    """RFC 2047 encoded words, decoded by hand. Adjacent words in one charset are joined
    before decoding: senders split multi-byte characters across words."""
    value = fix_surrogates(value)
    out, pending, charset, pos = [], b"", None, 0
    for match in _ENCODED_WORD.finditer(value):
        gap, data = value[pos : match.start()], _word_bytes(match)
        word_charset = match.group(1).split("*")[0].lower()  # RFC 2231 language suffix
        if data is None:  # not decodable: keep it as written
            out.append(_flush(pending, charset) + gap + match.group(0))
            pending, charset = b"", None
        elif charset == word_charset and not gap.strip():
            pending += data
        else:
            # Whitespace between two encoded words is not part of the text (RFC 2047 6.2).
            out.append(_flush(pending, charset) + ("" if charset and not gap.strip() else gap))
            pending, charset = data, word_charset
        pos = match.end()
    out.append(_flush(pending, charset) + value[pos:])
    return "".join(out)


def _word_bytes(match: re.Match) -> bytes | None:
    text = match.group(3)
    try:
        if match.group(2) in "bB":
            return base64.b64decode(text + "=" * (-len(text) % 4))
        return quopri.decodestring(text.encode("ascii"), header=True)
    except (binascii.Error, ValueError):
        return None


def _flush(data: bytes, charset: str | None) -> str:
    return decode_bytes(data, charset)[0] if charset else ""


_MSG_ID = re.compile(r"<[^<>\s]+>")


def message_ids(value: str) -> list[str]:
    """``<id>`` tokens of a Message-ID/In-Reply-To/References value; bare ids get brackets."""
    ids = _MSG_ID.findall(value or "")
    return ids or [f"<{t.strip('<>')}>" for t in (value or "").split() if "@" in t]


def parse_date(value: str) -> datetime | None:
    """An aware datetime from a Date header (no zone or -0000 read as UTC), or None."""
    try:
        found = parsedate_to_datetime(value)
    except Exception:  # noqa: BLE001 - raises on junk, and what it raises varies by version
        return None
    if found is None:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


class HeaderClasses(HeaderRegistry):
    """The stdlib's registry makes a new class (`type(...)`) for every header it reads or
    writes, about 0.1 ms each, some twenty times per message parsed or built. The class
    depends on the header's name only: made once per name, then reused."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._made: dict[str, type] = {}

    def __getitem__(self, name):
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(key)
        return made


# policy.SMTP with the reused header classes: what we build and store outgoing mail with.
SMTP = policy.SMTP.clone(header_factory=HeaderClasses())
