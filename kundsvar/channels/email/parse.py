"""Raw RFC 5322 bytes → a plain ``ParsedEmail``; never raises (rules A6, R5).

Rule A6: no inquiry is dropped, so even a broken message must give a sender, a subject
and some text. The stdlib parser (``policy.default``) does the work; every step that
real mail breaks has a fallback, and each fallback leaves a code in ``warnings``:

``compat32``           policy.default failed, or lost a boundary compat32 could read
``unparsable``         both parsers failed; ``text`` is the raw message decoded
``bad_charset``        a declared charset was unknown or did not fit the bytes
``8bit_header``        a header with raw bytes that are not UTF-8 (read as cp1252)
``undecodable_header`` policy.default choked on a header; decoded by hand
``bad_address``        an address header policy.default could not read; split by hand
``bad_date``           a Date header we could not read (``date`` is None)
``missing_boundary``   a multipart without a usable boundary (body kept as plain text)
``bad_base64``         truncated base64 or stray characters in it
``bad_encoding``       a body whose transfer encoding could not be undone
``defects``            any other defect the stdlib parser recorded
``enclosed_body``      no body of its own; text/html taken from an attached message
``no_body``            no text and no HTML at all

Choices: message ids keep their angle brackets (``<id@host>``), as written in
In-Reply-To/References, so outgoing threading headers can reuse them verbatim.
``text``/``html`` join the text/plain and text/html parts that are not attachments;
an attached message (message/rfc822) is an attachment, not part of the customer's
text, unless the mail has no body of its own (forwarded "as attachment").
Attachments are all other named or non-text leaf parts, so nothing a customer sent is
lost; machine parts of reports (delivery-status …) and unnamed alternative renderings
(text/enriched …) are left out.

Decoding charsets and encoded words is in ``mimetext``; telling machine mail from a
person's is in ``classify`` (imported here, so ``from .parse import classify`` works).
"""

import base64
import email
import quopri
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import errors, policy
from email.generator import BytesGenerator
from email.headerregistry import (
    AddressHeader,
    DateHeader,
    MessageIDHeader,
    ParameterizedMIMEHeader,
    UnstructuredHeader,
)
from email.message import Message
from email.utils import format_datetime, parsedate_to_datetime
from io import BytesIO

from . import boundaries
from .classify import bounced_message_id, classify, delivery_delayed
from .mimetext import (
    HeaderClasses,
    decode_bytes,
    decode_surrogates,
    decode_words,
    fix_surrogates,
    message_ids,
    parse_date,
    unfold,
)

COMPAT32, UNPARSABLE, BAD_CHARSET = "compat32", "unparsable", "bad_charset"
EIGHT_BIT_HEADER, UNDECODABLE_HEADER = "8bit_header", "undecodable_header"
BAD_ADDRESS, BAD_DATE, MISSING_BOUNDARY = "bad_address", "bad_date", "missing_boundary"
BAD_BASE64, BAD_ENCODING, DEFECTS = "bad_base64", "bad_encoding", "defects"
ENCLOSED_BODY, NO_BODY = "enclosed_body", "no_body"

# Machine-readable parts of multipart/report: read by classify, not shown as files.
DELIVERY_STATUS = "message/delivery-status"
REPORT_PARTS = {
    DELIVERY_STATUS,
    "message/disposition-notification",
    "message/feedback-report",
    "text/rfc822-headers",
}
ENCLOSED = {"message/rfc822", "message/global"}
MAX_DEPTH = 50  # deeper MIME nesting is an attack, not a customer
# policy.default's header parser slows down faster than linearly on long values (0.5 s for
# 200 KB); longer headers are decoded by hand, which is linear.
LONG_HEADER = 16_000


class _ParsedOnce(HeaderClasses):
    """policy.default parses a header again at every read, and the stdlib itself reads each
    part's Content-Type a dozen times while walking a multipart message (two fifths of the
    parse time of ordinary client mail). A header object is an immutable string: the same
    name and value give an equal object, so each is parsed once and then reused."""

    MAX_KEPT, MAX_VALUE = 256, 1000  # parse trees are large: a few messages' worth

    def __init__(self):
        super().__init__()
        self._kept: dict[tuple[str, str], object] = {}

    def __call__(self, name, value):
        if len(value) > self.MAX_VALUE:
            return super().__call__(name, value)
        key = (name, value)
        header = self._kept.get(key)
        if header is None:
            if len(self._kept) >= self.MAX_KEPT:
                self._kept.clear()
            header = self._kept[key] = super().__call__(name, value)
        return header


DEFAULT = policy.default.clone(header_factory=_ParsedOnce())
boundaries.install()  # no regular expression compiled for every boundary

_BOUNDARY_DEFECTS = (
    errors.NoBoundaryInMultipartDefect,
    errors.StartBoundaryNotFoundDefect,
    errors.CloseBoundaryNotFoundDefect,
    errors.MultipartInvariantViolationDefect,
)
_BASE64_DEFECTS = (
    errors.InvalidBase64PaddingDefect,
    errors.InvalidBase64CharactersDefect,
    errors.InvalidBase64LengthDefect,
)


@dataclass
class Attachment:
    filename: str  # "" for unnamed parts (inline images, forwarded mails); the UI names them
    content_type: str
    payload: bytes
    content_id: str = ""  # without angle brackets, as cid: URLs in the HTML refer to it
    inline: bool = False


@dataclass
class ParsedEmail:
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_name: str = ""
    from_address: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    reply_to: list[str] = field(default_factory=list)
    date: datetime | None = None
    text: str = ""
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    headers: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    bounced_message_id: str = ""  # for bounces: the Message-ID of our mail that bounced
    # For bounces: a delivery-status report of delays only; the MTA is still retrying.
    delivery_delayed: bool = False

    def header(self, name: str) -> str:
        """The first value of a header, decoded and unfolded, or ""."""
        return (self.headers.get(name.lower()) or [""])[0]

    def warn(self, code: str) -> None:
        if code not in self.warnings:
            self.warnings.append(code)


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse raw message bytes; never raises, whatever the bytes are (rule A6)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    parsed = _attempt(raw, DEFAULT)
    if parsed is None or MISSING_BOUNDARY in parsed.warnings:
        # compat32 reads boundaries policy.default rejects, e.g. unquoted ones with "=".
        second = _attempt(raw, policy.compat32)
        if second and (parsed is None or MISSING_BOUNDARY not in second.warnings):
            parsed = second
            parsed.warn(COMPAT32)
    if parsed is None:
        parsed = ParsedEmail(text=decode_bytes(raw, None)[0], warnings=[COMPAT32, UNPARSABLE])
    return parsed


def _attempt(raw: bytes, pol) -> ParsedEmail | None:
    try:
        msg = email.message_from_bytes(raw, policy=pol)
        parsed = ParsedEmail()
        _read_headers(msg, parsed)
        _read_ids_and_date(parsed)
        visited = _read_body(msg, parsed)
        _collect_defects(visited, parsed)
        if classify(parsed) == "bounce":
            _read_report(visited, parsed)
        return parsed
    except Exception:  # noqa: BLE001 - a parser bug on odd input: the caller tries another way
        return None


# --- headers and addresses ----------------------------------------------------------


def _read_headers(msg: Message, parsed: ParsedEmail) -> None:
    for name, raw in msg.raw_items():
        key, raw = name.strip().lower(), _fix_header_bytes(str(raw), parsed)
        parsed.headers.setdefault(key, []).append(_header_text(key, raw, parsed))
        if key in ("from", "to", "cc", "reply-to"):
            _read_addresses(key, raw, parsed)
    parsed.subject = " ".join(parsed.header("subject").split())


def _header_text(name: str, raw: str, parsed: ParsedEmail) -> str:
    # policy.default's header classes work on any string, whatever the message policy.
    if len(raw) > LONG_HEADER:
        return unfold(decode_words(raw))
    if "=?" not in raw and _unstructured(name):
        # What policy.default makes of it: the value itself (Received, DKIM-Signature,
        # X-… are most of a message's headers, and the slowest to parse).
        return unfold(raw)
    if _is_address_header(name) and (mailbox := _simple_mailbox(unfold(raw))):
        display_name, address = mailbox
        return f"{display_name} <{address}>" if display_name else address
    if (known := _known_text(name, unfold(raw))) is not None:
        return known
    try:
        text = unfold(str(DEFAULT.header_factory(name, unfold(raw))))
    except Exception:  # noqa: BLE001 - known IndexError/HeaderParseError bugs on odd values
        parsed.warn(UNDECODABLE_HEADER)
        return unfold(decode_words(raw))
    if "\ufffd" in text and "\ufffd" not in raw:  # an encoded word in an unknown charset
        parsed.warn(BAD_CHARSET)
        return unfold(decode_words(raw))
    return text


def _unstructured(name: str) -> bool:
    """Is `name` read by policy.default as unstructured text? Its parser then gives back
    the value unchanged, unless the value has an encoded word ("=?") in it: it only
    splits at white space and records defects (email._header_value_parser
    .get_unstructured)."""
    return issubclass(DEFAULT.header_factory[name], UnstructuredHeader)


def _is_address_header(name: str) -> bool:
    return issubclass(DEFAULT.header_factory[name], AddressHeader)


# One mailbox as nearly every mail writes its From: "Name Surname <local@domain>" or a
# bare "local@domain": words of letters, digits and atext, one space apart, an ASCII
# dot-atom address. policy.default's address parser takes some 0.1 ms on it and gives
# back exactly this: the name as written, no defects (tests compare the two).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = rf"{_ATEXT}(?:\.{_ATEXT})*"
_SIMPLE_MAILBOX = re.compile(
    rf"(?:(?P<name>[\w!#$%&'*+/=?^`{{|}}~-]+(?: [\w!#$%&'*+/=?^`{{|}}~-]+)*) )?"
    rf"(?P<angle><)?(?P<address>{_DOT_ATOM}@{_DOT_ATOM})(?(angle)>)"
)


def _simple_mailbox(value: str) -> tuple[str, str] | None:
    """(display name, address) of a value that is one simple mailbox, else None."""
    match = _SIMPLE_MAILBOX.fullmatch(value)
    if match is None or "=?" in value or (match["name"] and not match["angle"]):
        return None
    return match["name"] or "", match["address"]


_SIMPLE_MESSAGE_ID = re.compile(rf"<{_DOT_ATOM}@{_DOT_ATOM}>")


# A Content-Type or Content-Disposition as nearly every mail writes it: a type (or a
# disposition) and parameters of plain tokens or simple quoted strings.
_MIME_ATOM = r"[A-Za-z0-9!#$%&'+.^_`|~-]+"  # RFC 2045's token, less "*" (RFC 2231)
_MIME_VALUE = re.compile(rf"{_MIME_ATOM}(?:/{_MIME_ATOM})?")
_MIME_PARAMETER = re.compile(rf";[ \t]*({_MIME_ATOM})=(?:({_MIME_ATOM})|\"([^\"\\\r\n]+)\")")
_MIME_END = re.compile(r";?[ \t]*")


def _simple_mime(value: str) -> str | None:
    """What policy.default reads a simple Content-Type or Content-Disposition as (some
    50 µs each, several a message): the value with every parameter quoted and set off
    by "; ". None for anything else (an encoded word, RFC 2231, a comment, an empty or
    repeated parameter), which policy.default reads (tests compare the two on every such
    header of the corpora)."""
    start = _MIME_VALUE.match(value)
    if start is None or "=?" in value:
        return None
    parts, names, position = [start.group()], set(), start.end()
    while match := _MIME_PARAMETER.match(value, position):
        name, token, quoted = match.groups()
        if name.lower() in names:
            return None
        names.add(name.lower())
        parts.append(f'; {name}="{token or quoted}"')
        position = match.end()
    if len(parts) == 1:  # no parameters: policy.default keeps the value as written
        return value if position == len(value) else None
    if not _MIME_END.fullmatch(value, position):
        return None
    return "".join(parts)


def _known_text(name: str, value: str) -> str | None:
    """What policy.default reads a Date, a plain Message-ID or a simple Content-Type as,
    without its token parser (some 25–50 µs each); None when only policy.default can
    tell. A date is written again (headerregistry.DateHeader: parsed, then formatted; as
    written when it cannot be read); "<left@right>" of dot-atoms reads as itself."""
    kind = DEFAULT.header_factory[name]
    if issubclass(kind, ParameterizedMIMEHeader):
        return _simple_mime(value)
    if issubclass(kind, MessageIDHeader):
        return value if _SIMPLE_MESSAGE_ID.fullmatch(value) and "=?" not in value else None
    if not issubclass(kind, DateHeader) or not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except ValueError:
        return value
    except Exception:  # noqa: BLE001 - policy.default raises it too: its own path decides
        return None
    try:
        return format_datetime(moment)
    except Exception:  # noqa: BLE001 - as above
        return None


def _fix_header_bytes(value: str, parsed: ParsedEmail) -> str:
    text, fitted = decode_surrogates(value)
    if not fitted:
        parsed.warn(EIGHT_BIT_HEADER)
    return text


def _read_addresses(key: str, raw: str, parsed: ParsedEmail) -> None:
    long = len(raw) > LONG_HEADER
    pairs = None if long else _policy_addresses(key, raw)
    if pairs is None:
        if not long:
            parsed.warn(BAD_ADDRESS)
        pairs = _split_addresses(raw)
    elif "=?" in raw or "(" in raw:
        # policy.default keeps the spaces between encoded words of a name (RFC 2047 drops
        # them) and ignores "MAILER-DAEMON (Mail Delivery System)" comment names.
        by_hand = _split_addresses(raw)
        if [a for _, a in by_hand] == [a for _, a in pairs]:
            pairs = [(n or m, a) for (n, a), (m, _) in zip(by_hand, pairs, strict=True)]
    if key == "from":
        if pairs and not parsed.from_name and not parsed.from_address:
            parsed.from_name, parsed.from_address = pairs[0]
        return
    field_name = {"to": "to", "cc": "cc", "reply-to": "reply_to"}[key]
    getattr(parsed, field_name).extend(address for _, address in pairs if address)


def _policy_addresses(key: str, raw: str) -> list[tuple[str, str]] | None:
    if mailbox := _simple_mailbox(unfold(raw)):
        return [_clean_address(*mailbox)]
    try:
        header = DEFAULT.header_factory(key, unfold(raw))
        found = [_clean_address(a.display_name, a.addr_spec) for a in header.addresses]
    except Exception:  # noqa: BLE001
        return None
    # "invalid address" means policy.default dropped or garbled part of the list.
    if header.defects and (
        any("invalid address" in str(d) for d in header.defects) or not any(a for _, a in found)
    ):
        return None
    return found


_ADDRESS_CHUNK = re.compile(r'(?:"(?:[^"\\]|\\.)*"|<[^<>]*>|\([^()]*\)|[^,"<(])+')
_VALID_ADDRESS = re.compile(r'^[^@\s<>()\[\],;:"]+@[^@\s<>()\[\],;:"]+$')


def _split_addresses(raw: str) -> list[tuple[str, str]]:
    """Commas outside quotes/brackets split; ``<...>`` or the token with an @ is the address;
    a comment stands in for a missing name."""
    pairs = []
    for chunk in _ADDRESS_CHUNK.findall(unfold(raw)):
        chunk, comment = _drop_comments(chunk)
        chunk = re.sub(r'^\s*[^"<@:]*:', "", chunk)  # a group name: "Kundtjänst: a@b;"
        angle = re.search(r"<([^<>]*)>", chunk)
        if angle:
            address, name = angle.group(1), chunk[: angle.start()] + chunk[angle.end() :]
        else:
            tokens = chunk.split()
            address = next((t for t in reversed(tokens) if "@" in t), "")
            name = " ".join(t for t in tokens if t != address)
        name = name.strip(' ;"') or comment
        pairs.append(_clean_address(decode_words(name), address.strip(" ;")))
    return [(n, a) for n, a in pairs if n or a]


# A quoted string or an encoded word is kept whole: '"x(y)z" <a@b>' is named x(y)z.
_QUOTED_OR_COMMENT = re.compile(r'("(?:[^"\\]|\\.)*"|=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)|\(([^()]*)\)')


def _drop_comments(chunk: str) -> tuple[str, str]:
    """The chunk without its (comments), and the first comment (it may be the only name)."""
    comments: list[str] = []

    def replace(match: re.Match) -> str:
        if match.group(1):
            return match.group(1)
        comments.append(match.group(2))
        return " "

    return _QUOTED_OR_COMMENT.sub(replace, chunk), (comments[0] if comments else "")


def _clean_address(name: str, address: str) -> tuple[str, str]:
    name = fix_surrogates(name).strip().strip('"').strip()
    address = fix_surrogates(address).strip().strip("<>")
    if " " in address:  # '"Big Bug bb"@bug.com' from an unquoted "Big Bug bb@bug.com"
        tokens = address.replace('"', " ").split()
        address, name = tokens[-1], name or " ".join(tokens[:-1])
    if not _VALID_ADDRESS.match(address):  # "MAILER-DAEMON", "undisclosed-recipients"
        return (name or address), ""
    return name, address


# --- ids and date -------------------------------------------------------------------


def _read_ids_and_date(parsed: ParsedEmail) -> None:
    parsed.message_id = next(iter(message_ids(parsed.header("message-id"))), "")
    parsed.in_reply_to = next(iter(message_ids(parsed.header("in-reply-to"))), "")
    parsed.references = [i for v in parsed.headers.get("references", []) for i in message_ids(v)]
    raw_date = parsed.header("date")
    parsed.date = parse_date(raw_date)
    if raw_date and parsed.date is None:
        parsed.warn(BAD_DATE)


# --- bounce reports -----------------------------------------------------------------


def _read_report(visited: list[Message], parsed: ParsedEmail) -> None:
    """Which of our mails bounced, and whether delivery is only delayed. A bare DSN is
    itself the first part visited; only its status counts, its id is in ``text``."""
    machine = ENCLOSED | REPORT_PARTS
    reports = [_report_text(p) for p in visited[1:] if _content_type(p) in machine]
    parsed.bounced_message_id = bounced_message_id(parsed, reports)
    statuses = [_report_text(p) for p in visited if _content_type(p) == DELIVERY_STATUS]
    parsed.delivery_delayed = delivery_delayed(statuses)


def _report_text(part: Message) -> str:
    return decode_bytes(_payload_bytes(part), "utf-8")[0]


# --- body and attachments -----------------------------------------------------------


def _read_body(msg: Message, parsed: ParsedEmail) -> list[Message]:
    """Fill text, html and attachments; returns every part visited (defects, bounces)."""
    visited: list[Message] = []
    texts, htmls, enclosed = _collect(msg, parsed, visited, keep_files=True)
    if not "".join(texts + htmls).strip():
        # Forwarded "as attachment", or a report whose words are all in its parts: use the
        # bodies of attached mails, else the report fields themselves.
        for part in enclosed:
            for sub in _sub_messages(part):
                more_texts, more_htmls, _ = _collect(sub, parsed, [], keep_files=False)
                texts, htmls = texts + more_texts, htmls + more_htmls
        if not "".join(texts + htmls).strip():
            texts += [
                decode_bytes(_payload_bytes(p), None)[0]
                for p in enclosed
                if _content_type(p) in REPORT_PARTS
            ]
        if "".join(texts + htmls).strip():
            parsed.warn(ENCLOSED_BODY)
    # Text is for people and the quote stripper: one kind of line end. HTML stays raw.
    parsed.text = _join(texts).replace("\r\n", "\n").replace("\r", "\n")
    parsed.html = "".join(htmls)
    if not parsed.text.strip() and not parsed.html.strip():
        parsed.warn(NO_BODY)
    return visited


def _collect(msg: Message, parsed: ParsedEmail, visited: list, *, keep_files: bool):
    texts, htmls, enclosed = [], [], []
    for part in _leaves(msg, visited, 0):
        ctype, name, disposition = _content_type(part), _filename(part), _disposition(part)
        if ctype.startswith("multipart/"):  # a multipart whose boundary was never found
            parsed.warn(MISSING_BOUNDARY)
            texts.append(_part_text(part, parsed))
        elif ctype in ("text/plain", "text/html") and not name and disposition != "attachment":
            (texts if ctype == "text/plain" else htmls).append(_part_text(part, parsed))
        elif ctype == "text/plain" and disposition == "inline":
            # Apple Mail and some webmails name the text the customer typed ("inline;
            # filename=…"): it is shown in the mail, so it is body; the file is kept too.
            texts.append(_part_text(part, parsed))
            if keep_files:
                parsed.attachments.append(_attachment(part, ctype, name, disposition, parsed))
        elif ctype in ENCLOSED or ctype in REPORT_PARTS:
            enclosed.append(part)
            if keep_files and ctype in ENCLOSED:
                parsed.attachments.append(_attachment(part, ctype, name, disposition, parsed))
        elif keep_files and (name or not ctype.startswith("text/")):
            parsed.attachments.append(_attachment(part, ctype, name, disposition, parsed))
    return texts, htmls, enclosed


def _leaves(part: Message, visited: list[Message], depth: int):
    """Leaf parts in order; message/* parts are leaves (attached mail is not our body)."""
    visited.append(part)
    payload = part.get_payload()
    if _content_type(part).startswith("multipart/") and isinstance(payload, list):
        for sub in payload if depth < MAX_DEPTH else []:
            if isinstance(sub, Message):
                yield from _leaves(sub, visited, depth + 1)
    else:
        yield part


def _sub_messages(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [m for m in payload if isinstance(m, Message)]
    if _content_type(part) in ENCLOSED:  # e.g. base64-encoded message/rfc822
        return [email.message_from_bytes(_payload_bytes(part), policy=part.policy)]
    return []


def _join(texts: list[str]) -> str:
    # Apple Mail splits text around inline images; keep the pieces on separate lines.
    out = ""
    for text in texts:
        out += "\n" if out and text and not out.endswith("\n") else ""
        out += text
    return out


def _content_type(part: Message) -> str:
    return _safe(part.get_content_type, "application/octet-stream")


def _disposition(part: Message) -> str:
    return (_safe(part.get_content_disposition) or "").lower()


def _raw_header(part: Message, name: str) -> str:
    return next(
        (unfold(fix_surrogates(str(v))) for k, v in part.raw_items() if k.strip().lower() == name),
        "",
    )


def _filename(part: Message) -> str:
    """filename= or name=, read loosely: unquoted names with spaces and encoded words
    inside parameters are common, and policy.default cuts those short."""
    name = ""
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        raw = _raw_header(part, header)
        if re.search(rf"(^|;)\s*{param}\*", raw, re.IGNORECASE):  # RFC 2231: stdlib reads it
            name = _safe(part.get_filename) or ""
        elif match := re.search(rf'(?:^|;)\s*{param}\s*=\s*("[^"]*"|[^;]*)', raw, re.I):
            name = match.group(1).strip().strip('"')
        if name.strip():
            break
    name = re.split(r"[\\/]", decode_words(name))[-1]  # it ends up on someone's disk
    return "".join(ch for ch in name if ch.isprintable()).strip()


def _safe(call, default=None):
    try:
        return call()
    except Exception:  # noqa: BLE001
        return default


def _part_text(part: Message, parsed: ParsedEmail) -> str:
    text, fitted = decode_bytes(_payload_bytes(part, parsed), _safe(part.get_content_charset))
    if not fitted:
        parsed.warn(BAD_CHARSET)
    return text


def _payload_bytes(part: Message, parsed: ParsedEmail | None = None) -> bytes:
    payload = part.get_payload()
    if isinstance(payload, list):  # an attached mail: its bytes, transfer encoding undone
        return _undo_transfer_encoding(part, b"".join(_flatten(m) for m in payload))
    if isinstance(payload, str) and _cte(part) == "base64":
        return _lenient_base64(payload.encode("ascii", "replace"), parsed)
    data = _safe(lambda: part.get_payload(decode=True))
    if isinstance(data, bytes):
        return data
    if parsed is not None:
        parsed.warn(BAD_ENCODING)
    return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""


def _lenient_base64(data: bytes, parsed: ParsedEmail | None) -> bytes:
    """What can be decoded of truncated or dirty base64 (the stdlib returns it undecoded)."""
    data = b"".join(data.split())
    try:  # clean base64, nearly every attachment: decoded once, at C speed
        return base64.b64decode(data, validate=True)
    except ValueError:  # binascii.Error: padding, stray characters, a cut-off end
        if parsed is not None:
            parsed.warn(BAD_BASE64)
    out = b""
    for segment in re.split(rb"=+", data):  # some mailers concatenate padded blocks
        clean = re.sub(rb"[^A-Za-z0-9+/]", b"", segment)
        clean = clean[:-1] if len(clean) % 4 == 1 else clean  # a lone 6 bits is no byte
        out += base64.b64decode(clean + b"=" * (-len(clean) % 4))
    return out


def _cte(part: Message) -> str:
    return str(_raw_header(part, "content-transfer-encoding")).strip().lower()


def _undo_transfer_encoding(part: Message, data: bytes) -> bytes:
    # Some webmails base64-encode message/rfc822 although RFC 2046 forbids it.
    cte = _cte(part)
    if cte == "base64":
        return _safe(lambda: base64.b64decode(data), data)
    if cte == "quoted-printable":
        return _safe(lambda: quopri.decodestring(data), data)
    return data


def _flatten(msg: Message) -> bytes:
    # compat32 writes the headers back as they were sent; policy.default may refold them.
    return _generate(msg, policy.compat32) or _generate(msg, policy.default) or b""


def _generate(msg: Message, pol) -> bytes | None:
    buffer = BytesIO()
    try:
        BytesGenerator(buffer, mangle_from_=False, policy=pol).flatten(msg)
    except Exception:  # noqa: BLE001
        return None
    return buffer.getvalue()


def _attachment(part, ctype, filename, disposition, parsed) -> Attachment:
    content_id = _raw_header(part, "content-id").strip("<> ")
    inline = disposition == "inline" or (not disposition and bool(content_id))
    return Attachment(filename, ctype, _payload_bytes(part, parsed), content_id, inline)


def _collect_defects(visited: list[Message], parsed: ParsedEmail) -> None:
    for part in visited:
        for defect in getattr(part, "defects", []):
            if isinstance(defect, _BOUNDARY_DEFECTS):
                parsed.warn(MISSING_BOUNDARY)
            elif isinstance(defect, _BASE64_DEFECTS):
                parsed.warn(BAD_BASE64)
            else:
                parsed.warn(DEFECTS)
