"""Text out of MIME's encodings: charsets, RFC 2047 encoded words, raw 8-bit headers,
message ids and dates. Pure functions on strings and bytes; they never raise on odd input.

Real mail names charsets that do not exist or do not fit its bytes, so every decoder
falls back (declared charset, else UTF-8, else cp1252) instead of failing.
"""

import base64
import binascii
import codecs
import email
import quopri
import re
import secrets
from datetime import UTC, datetime
from email import policy, quoprimime
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import NamedTuple

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


_SURROGATE_ESCAPE = re.compile("[\udc80-\udcff]")


def decode_surrogates(value: str) -> tuple[str, bool]:
    """Raw 8-bit header bytes arrive as surrogate escapes: decode them (RFC 6532: UTF-8).

    Returns the text and whether the bytes were UTF-8 (True when there were none).
    """
    # Called for every header and address of every message: most are ASCII.
    if value.isascii() or not _SURROGATE_ESCAPE.search(value):
        return value, True
    return decode_bytes(value.encode("utf-8", "surrogateescape"), None)


def fix_surrogates(value: str) -> str:
    return decode_surrogates(value)[0]


def unfold(value: str) -> str:
    """A header value on one line: folds undone, other line breaks made spaces."""
    if "\n" not in value and "\r" not in value:  # most values: nothing to undo
        return value.strip()
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


class Written(NamedTuple):
    """An outgoing mail as bytes, with the header values a delivery row keeps."""

    from_address: str
    to_address: str
    subject: str
    message_id: str
    mime: bytes

    def message(self) -> EmailMessage:
        """The same bytes as an EmailMessage (tests, the audit's sample)."""
        return email.message_from_bytes(self.mime, policy=SMTP)  # type: ignore[return-value]


_FOLD_AT = 78
_UNSAFE_HEADER = re.compile(r"[\x00-\x1f\x7f]")
_PLAIN_ADDRESS = re.compile(r"[!#-'*+\-./0-9=?A-Z^-~]+@[A-Za-z0-9.\-\[\]:]+")


def write_alternative(
    headers: list[tuple[str, str]], text: str, html: str, *, from_address: str, to_address: str
) -> Written | None:
    """A multipart/alternative mail (UTF-8 text and HTML, quoted-printable) written
    straight to bytes: the stdlib's EmailMessage parses every header as it is set and
    folds it again as it is written, some 2 ms a message, while this is a few string
    joins. The bytes parse back to the same headers and bodies (tests compare both).

    `headers` are (name, value) in order; values are plain text (a display name in an
    address header already made with `formataddr`, which encodes it). None when a value
    is outside what this writer handles (control characters, an address that is not
    ASCII): the caller builds the mail with the stdlib then."""
    lines = []
    subject = message_id = ""
    for name, value in headers:
        if _UNSAFE_HEADER.search(value):
            return None
        if name == "Subject":
            subject, encoded = value, _encode_unstructured(name, value)
        elif not value.isascii():
            return None  # an address or id outside ASCII: SMTPUTF8 is the stdlib's to judge
        else:
            encoded = _fold(f"{name}: {value}")
            message_id = value if name == "Message-ID" else message_id
        lines.append(encoded)
    if not (_PLAIN_ADDRESS.fullmatch(from_address) and _PLAIN_ADDRESS.fullmatch(to_address)):
        return None
    boundary = f"==k{secrets.token_hex(16)}=="  # "=" never stands alone in quoted-printable
    lines += [
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"',
        "",
        f"--{boundary}",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: quoted-printable",
        "",
        _quoted_printable(text),
        f"--{boundary}",
        'Content-Type: text/html; charset="utf-8"',
        "Content-Transfer-Encoding: quoted-printable",
        "",
        _quoted_printable(html),
        f"--{boundary}--",
        "",
    ]
    mime = "\r\n".join(lines).encode("ascii")
    return Written(from_address, to_address, subject, message_id, mime)


def _quoted_printable(body: str) -> str:
    """UTF-8 quoted-printable with CRLF line ends, ending in a line break (which is the
    body's: the one before the boundary is the boundary's, RFC 2046)."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    if not body.endswith("\n"):
        body += "\n"
    encoded = binascii.b2a_qp(body.encode("utf-8"), istext=True).decode("ascii")
    return encoded.replace("\n", "\r\n")


def _encode_unstructured(name: str, value: str) -> str:
    """`Name: value` with each run of words outside ASCII as RFC 2047 encoded words
    (UTF-8, Q), the ASCII words as they are, as the stdlib writes it."""
    tokens: list[str] = []
    run: list[str] = []
    for word in value.split(" "):
        if word.isascii() and "=?" not in word:
            tokens += _encoded_words(" ".join(run)) if run else []
            tokens.append(word)
            run = []
        else:
            run.append(word)
    tokens += _encoded_words(" ".join(run)) if run else []
    return _fold(f"{name}: {' '.join(tokens)}")


def _encoded_words(text: str) -> list[str]:
    """`text` as encoded words of at most 75 characters; a character is never split,
    and the space between two encoded words is not part of the text (RFC 2047 6.2)."""
    words, chunk = [], b""
    for char in text:
        data = char.encode("utf-8")
        if chunk and quoprimime.header_length(chunk + data) > 75 - len("=?utf-8?q??="):
            words.append(quoprimime.header_encode(chunk, "utf-8"))
            chunk = b""
        chunk += data
    if chunk:
        words.append(quoprimime.header_encode(chunk, "utf-8"))
    return words


def _fold(line: str) -> str:
    """A header line folded at spaces to lines of at most 78 characters where it can be
    (a long word stays whole: under 998 the line is still legal)."""
    if len(line) <= _FOLD_AT:
        return line
    name, _, value = line.partition(" ")
    out, current = [], name
    for word in value.split(" "):
        if current != name and len(current) + 1 + len(word) > _FOLD_AT:
            out.append(current)
            current = " " + word
        else:
            current = f"{current} {word}"
    out.append(current)
    return "\r\n".join(out)
