"""The mailbox probe (rule M2): a realistic question sent to a shop from a probe mailbox,
the acknowledgement and the answer awaited by polling that mailbox over IMAP, a follow-up
sent on the answer, and all of it scored against A1–A4, R1–R4, S1–S3.

Every step reads the probe's row, does one thing on the network, and writes the row back
(`step`): a stopped process is resumed with `kundsvar probe mail --resume ID`. Passwords
are never stored; they are given again on every run.
"""

import email
import email.policy
import re
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr, parsedate_to_datetime
from zoneinfo import ZoneInfo

from imap_tools import MailBox, MailBoxUnencrypted

from . import mailscore
from .models import MailProbe, ProbeState
from .result import FAIL, PASS, UNKNOWN, WARN, Result, band, score

# A first message that comes this soon after the question, without being marked as
# automatic, is still taken for the acknowledgement (many shops' autoreplies are unmarked).
ACK_WINDOW = timedelta(minutes=15)

DEFAULT_SUBJECT = "Leveranstid vinterjacka"
DEFAULT_QUESTION = (
    "Hej!\n\nJag funderar på att beställa vinterjackan Fjällräv i storlek M. Hur lång är "
    "leveranstiden till Umeå, och kan jag byta storlek om den inte passar?\n\nMvh\nKarin"
)
DEFAULT_FOLLOW_UP = "Tack för svaret! En sak till: står ni för returfrakten vid ett byte?\n\nKarin"


def parse_wait(text: str) -> int:
    """ "48h", "30m", "2d" or seconds → seconds."""
    found = re.fullmatch(r"\s*(\d+)\s*([smhd]?)\s*", text)
    if not found:
        raise ValueError(f"not a duration: {text!r} (e.g. 48h, 30m, 2d)")
    return int(found.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[found.group(2)]


def host_port(text: str, default_port: int) -> tuple[str, int, bool]:
    """ "host:port" or "imaps://host:port" → (host, port, tls)."""
    tls = text.startswith(("imaps://", "smtps://"))
    host, _, port = text.split("://")[-1].rpartition(":")
    return (host, int(port), tls) if host else (text.split("://")[-1], default_port, tls)


# -- the network -------------------------------------------------------------------------------


def _mail(probe: MailProbe, *, subject: str, text: str, to: str, message_id: str, reply_to=None):
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = probe.from_address
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = message_id
    if reply_to is not None:
        message["In-Reply-To"] = reply_to["Message-ID"]
        refs = f"{reply_to.get('References', '')} {reply_to['Message-ID']}".split()
        message["References"] = " ".join(refs)
    message.set_content(text)
    return message


def send(probe: MailProbe, message: EmailMessage, password: str) -> None:
    host, port, tls = host_port(probe.smtp, 587)
    client = (
        smtplib.SMTP_SSL(host, port, timeout=30) if tls else smtplib.SMTP(host, port, timeout=30)
    )
    with client as smtp:
        smtp.ehlo()
        if not tls and smtp.has_extn("starttls"):
            smtp.starttls()
            smtp.ehlo()
        if password and smtp.has_extn("auth"):
            smtp.login(probe.user, password)
        smtp.send_message(message)


def inbox(probe: MailProbe, password: str) -> list[tuple[str, EmailMessage]]:
    """Every message in the probe's INBOX not looked at before: (uid, message)."""
    host, port, tls = host_port(probe.imap, 143)
    box_class = MailBox if tls else MailBoxUnencrypted
    with box_class(host, port, timeout=30).login(probe.user, password) as box:
        found = []
        for item in box.fetch(mark_seen=False, bulk=True):
            if item.uid and item.uid not in probe.seen_uids:
                raw = item.obj.as_bytes()
                found.append((item.uid, email.message_from_bytes(raw, policy=email.policy.default)))
        return found


# -- the steps -------------------------------------------------------------------------------


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2].lower()


def _ours(probe: MailProbe, message: EmailMessage) -> bool:
    """From the probed shop (its domain), or citing one of our messages."""
    cited = f"{message.get('In-Reply-To', '')} {message.get('References', '')}"
    ids = [i for i in (probe.message_id, probe.follow_up_message_id) if i]
    return _domain(str(message.get("From", ""))) == _domain(probe.to_address) or any(
        i in cited for i in ids
    )


def arrival(message: EmailMessage, probe: MailProbe, now: datetime) -> datetime:
    """When it came: its Date if that lies between our question and now, else now (the
    time we saw it: never earlier than the truth allows, honest about polling)."""
    try:
        dated = parsedate_to_datetime(str(message.get("Date", "")))
    except (TypeError, ValueError):
        return now
    if dated.tzinfo is None or probe.sent_at is None:
        return now
    return dated if probe.sent_at - timedelta(minutes=1) <= dated <= now else now


def step(probe: MailProbe, password: str, now: datetime) -> MailProbe:
    """One step forward; call until `probe.state` is DONE."""
    if probe.state == ProbeState.SENDING:
        message = _mail(
            probe, subject=probe.subject, text=probe.question, to=probe.to_address,
            message_id=make_msgid(domain=_domain(probe.from_address) or "probe.invalid"),
        )  # fmt: skip
        send(probe, message, password)
        probe.message_id, probe.sent_at, probe.state = (
            message["Message-ID"],
            now,
            ProbeState.WAITING_ACK,
        )
        probe.save()
        return probe
    if probe.state == ProbeState.DONE:
        return probe
    for uid, message in inbox(probe, password):
        probe.seen_uids = [*probe.seen_uids, uid]
        if _ours(probe, message):
            _take(probe, message, arrival(message, probe, now), password, now)
    if probe.state != ProbeState.DONE and now >= probe.sent_at + timedelta(
        seconds=probe.wait_seconds
    ):
        probe.state = ProbeState.DONE  # waited long enough: score what came
    if probe.state == ProbeState.DONE and probe.finished_at is None:
        probe.finished_at = now
        results = score_probe(probe)
        probe.score, probe.results = score(results), [r.as_dict() for r in results]
    probe.save()
    return probe


def _take(probe: MailProbe, message: EmailMessage, at: datetime, password: str, now) -> None:
    automatic = mailscore.is_automatic(message)
    if probe.state == ProbeState.WAITING_ACK and (automatic or at - probe.sent_at <= ACK_WINDOW):
        probe.ack_at, probe.ack_raw = at, message.as_bytes()
        probe.state = ProbeState.WAITING_ANSWER
    elif probe.state in (ProbeState.WAITING_ACK, ProbeState.WAITING_ANSWER) and not automatic:
        probe.answer_at, probe.answer_raw = at, message.as_bytes()
        _follow_up(probe, message, password, now)
    elif probe.state == ProbeState.WAITING_FOLLOW_UP and not automatic:
        # Date headers have whole seconds: an answer within the second of our follow-up
        # may read as a moment before it.
        probe.follow_up_answer_at = max(at, probe.follow_up_sent_at)
        probe.state = ProbeState.DONE


def _follow_up(probe: MailProbe, answer: EmailMessage, password: str, now) -> None:
    """S3: a follow-up on the answer, as a customer writes one ("just reply")."""
    to = parseaddr(str(answer.get("Reply-To") or answer.get("From")))[1]
    subject = str(answer.get("Subject", "")) or probe.subject
    message = _mail(
        probe, subject=subject if subject.lower().startswith("re:") else f"Re: {subject}",
        text=probe.follow_up, to=to, reply_to=answer,
        message_id=make_msgid(domain=_domain(probe.from_address) or "probe.invalid"),
    )  # fmt: skip
    send(probe, message, password)
    probe.follow_up_message_id, probe.follow_up_sent_at = message["Message-ID"], now
    probe.state = ProbeState.WAITING_FOLLOW_UP


# -- the score -------------------------------------------------------------------------------


def _parsed(raw) -> EmailMessage | None:
    if not raw:
        return None
    return email.message_from_bytes(bytes(raw), policy=email.policy.default)


def _hours(later, earlier) -> float | None:
    if later is None or earlier is None:
        return None
    return max(0.0, (later - earlier).total_seconds() / 3600)


def score_probe(probe: MailProbe) -> list[Result]:
    tz = ZoneInfo(probe.time_zone)
    ack, answer = _parsed(probe.ack_raw), _parsed(probe.answer_raw)
    common = {"question": probe.question, "subject": probe.subject, "shop_name": probe.shop_name}
    ack_wait = _hours(probe.ack_at, probe.sent_at)
    answer_wait = _hours(probe.answer_at, probe.sent_at)
    return [
        _ack_time(ack_wait),
        *mailscore.ack_content(ack, sent_at=probe.sent_at, tz=tz, **common),
        _answer_time(answer_wait),
        _kept(ack, probe, tz),
        *mailscore.reply_content(answer, ack, **common),
        _follow_up_time(probe, answer_wait),
    ]


def _ack_time(hours: float | None) -> Result:
    why = "An acknowledgement within seconds tells the customer the question arrived."
    if hours is None:
        return Result("ack_time", "A1", "Acknowledgement received", FAIL, "none", why, 2)
    status = PASS if hours <= 5 / 60 else WARN if hours <= 1 else FAIL
    return Result("ack_time", "A1", "Acknowledgement received", status, _took(hours), why, 2)


def _took(hours: float) -> str:
    return f"after {hours * 60:.0f} min" if hours < 2 else f"after {hours:.1f} h"


def _answer_time(hours: float | None) -> Result:
    why = "Under 2 h is very good, under 6 h acceptable, never over 24 h; 48 h loses the customer."
    if hours is None:
        return Result("answer_time", "S1", "Answer received", FAIL, "no answer", why, 3)
    return Result("answer_time", "S1", "Answer received", band(hours, 6, 24), _took(hours), why, 3)


def _kept(ack, probe: MailProbe, tz) -> Result:
    why = "A promise that is not kept is worse than none."
    title = "Promised time kept"
    moment = None
    if ack is not None:
        moment, _said = mailscore.promised_moment(mailscore.body_text(ack), probe.sent_at, tz)
    if moment is None:
        return Result("promise_kept", "S2", title, UNKNOWN, "no promise to keep (A4)", why, 3)
    if probe.answer_at is None:
        return Result("promise_kept", "S2", title, FAIL, "promised, never answered", why, 3)
    late = (probe.answer_at - moment).total_seconds() / 3600
    status = PASS if late <= 0 else FAIL
    figure = "kept" if late <= 0 else f"{late:.1f} h late"
    return Result("promise_kept", "S2", title, status, figure, why, 3)


def _follow_up_time(probe: MailProbe, first: float | None) -> Result:
    why = "A customer who writes again has already waited once."
    title = "Follow-up answered faster than the question"
    if first is None:
        return Result(
            "follow_up_time", "S3", title, UNKNOWN, "no answer, so no follow-up sent", why, 2
        )
    second = _hours(probe.follow_up_answer_at, probe.follow_up_sent_at)
    if second is None:
        return Result("follow_up_time", "S3", title, FAIL, "follow-up not answered", why, 2)
    # Date headers have whole seconds: within five minutes is fast whatever the first took.
    status = PASS if second <= max(first, 5 / 60) else FAIL
    return Result(
        "follow_up_time", "S3", title, status, f"{_took(second)} vs {_took(first)}", why, 2
    )
