"""One function per outgoing email, each with its own subject, text and HTML
templates, in the customer's language, from the shop's customer-service address."""

import secrets
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from kundsvar.core import batchcache, markup
from kundsvar.core.language import promise_language
from kundsvar.feedback.links import rating_url
from kundsvar.portal.links import portal_url
from kundsvar.shops.hours import hours_summary
from kundsvar.sla.promise import promise_text
from kundsvar.topics.queries import case_note, with_note

from . import mimetext
from .mimetext import message_ids

# Self-service in the acknowledgement (rule A5): dotted paths to functions
# `(case, inbound) -> {"text": str, "html": str} | None`. They are called inside the
# customer's language; "html" must already be safe (escaped) markup.
ACK_SECTIONS: list[str] = [
    "kundsvar.commerce.panels.ack_section",
    "kundsvar.knowledge.emails.ack_section",
]


# Links at the foot of a reply: dotted paths to `(case) -> list[{"label", "url"}]`,
# called in the customer's language (the order's status page when the order is proven).
REPLY_LINKS: list[str] = [
    "kundsvar.commerce.panels.reply_links",
]


def reply_links(case) -> list[dict]:
    return [link for path in REPLY_LINKS for link in import_string(path)(case)]


def ack_sections(case, inbound) -> list[dict]:
    made = (import_string(path)(case, inbound) for path in ACK_SECTIONS)
    return [section for section in made if section]


def reply_address(case) -> str:
    """Where the customer's answer should go: the case's own plus address when allowed."""
    if not case.shop.plus_addressing:
        return case.shop.email
    local, _, domain = case.shop.email.partition("@")
    return f"{local}+{case.number}@{domain}"


def _render(name: str, make_context, language: str) -> tuple[str, str, str]:
    """The three templates of `name`, with a context made inside the customer's language
    (the self-service sections and links are worded in it too)."""
    with translation.override(promise_language(language)):
        context = make_context()
        subject = render_to_string(f"emails/{name}_subject.txt", context)
        text = render_to_string(f"emails/{name}.txt", context)
        html = render_to_string(f"emails/{name}.html", context)
    return " ".join(subject.split()), text, html


def message_id(case, domain: str) -> str:
    """Unguessable (128 bits from `secrets`): a reply citing one of ours joins its case even
    from a new sender (threading.py), so knowing it must mean having received our mail.
    email.utils.make_msgid uses the clock, the pid and `random`, which can be predicted."""
    return f"<{secrets.token_hex(16)}.k{case.number}@{domain}>"


def _build(
    case,
    name: str,
    make_context,
    *,
    to: str,
    in_reply_to: str,
    references: str,
    automatic: bool,
    language: str = "",
) -> EmailMessage:
    subject, text, html = _render(name, make_context, language or case.language)
    domain = case.shop.email.rpartition("@")[2]
    message = EmailMessage(policy=mimetext.SMTP)
    message["From"] = formataddr((case.shop.name, case.shop.email))
    message["To"] = to
    message["Reply-To"] = formataddr((case.shop.name, reply_address(case)))
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id(case, domain)
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = " ".join([*message_ids(references), in_reply_to])
    if automatic:
        # RFC 3834: an automatic answer. Tells well-behaved responders not to answer it,
        # and Exchange not to send its out-of-office back (no mail loops).
        message["Auto-Submitted"] = "auto-replied"
        message["X-Auto-Response-Suppress"] = "All"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _opening_hours(shop) -> list:
    """Loaded once per batch of mail (batchcache); shops.services forgets them on a change."""
    return batchcache.cached(shop.pk, ("opening_hours",), lambda: list(shop.opening_hours.all()))


def _opened_under_load(case) -> bool:
    if case.just_opened:  # opened a moment ago (cases.services.start_case): no query
        return case.opened_under_load
    opened = case.events.filter(kind="opened").values_list("data", flat=True).first() or {}
    return bool(opened.get("under_load"))


def forward(case, message, to: str, note: str = "") -> EmailMessage:
    """A message of the case sent on to someone else (a supplier, the warehouse), with
    its attachments; an answer to it comes back to the same case."""

    def context() -> dict:
        return {"case": case, "shop": case.shop, "message": message, "note": note}

    built = _build(
        case,
        "forward",
        context,
        to=to,
        in_reply_to="",
        references="",
        automatic=False,
        language=case.shop.language,
    )
    _attach(built, message)
    return built


def _attach(built: EmailMessage, message) -> None:
    """The files of `message` as attachments of the mail."""
    for item in message.attachments.all():
        maintype, _slash, subtype = item.content_type.partition("/")
        with item.file.open("rb") as data:
            built.add_attachment(
                data.read(),
                maintype=maintype or "application",
                subtype=subtype or "octet-stream",
                filename=item.filename,
            )


def acknowledgement(case, inbound) -> EmailMessage:
    """Rules A1–A5: case number, a copy of the question, a concrete promise, the phone
    and opening hours, and an honest word when the promise was stretched for load."""
    # A4's honest word about the queue belongs to the first answer only: no query for
    # the opening event when acknowledging a follow-up.
    under_load = not inbound.is_follow_up and _opened_under_load(case)

    def context() -> dict:
        return {
            "case": case,
            "shop": case.shop,
            "customer_name": case.customer.first_name,
            "question": inbound.display_text,
            "promise": (
                with_note(promise_text(case.due_at, case.language, case.shop.tz), case_note(case))
                if case.due_at
                else ""
            ),
            "opening_hours": hours_summary(_opening_hours(case.shop), case.language),
            "queue_note": under_load,
            # Later than the ceiling because of the queue: said plainly (A4, S1).
            "beyond_ceiling": under_load and case.beyond_ceiling,
            "follow_up": inbound.is_follow_up,
            "sections": ack_sections(case, inbound),
            "portal_url": portal_url(case),
        }

    return _build(
        case,
        "ack",
        context,
        to=inbound.from_address,
        in_reply_to=inbound.message_id,
        references=inbound.references,
        automatic=True,
    )


def reply(case, answer, question) -> EmailMessage:
    """Rules R1–R4: same sender as the acknowledgement, the shop and the subject in the
    subject line, the customer's question quoted, and one-click satisfaction links."""

    def context() -> dict:
        return {
            "case": case,
            "shop": case.shop,
            "answer": answer.body_text,
            # Rendered from the agent's Markdown-light and cleaned again here (nh3).
            "answer_html": markup.clean(answer.body_html) if answer.body_html else "",
            "question": question.display_text,
            "good_url": rating_url(case, answer, "good"),
            "bad_url": rating_url(case, answer, "bad"),
            "portal_url": portal_url(case),
            "links": reply_links(case),
        }

    built = _build(
        case,
        "reply",
        context,
        to=question.from_address,
        in_reply_to=question.message_id,
        references=question.references,
        automatic=False,
    )
    if answer.cc_addresses:  # Bcc never goes in the headers: outbox adds it to the envelope
        built["Cc"] = ", ".join(answer.cc_addresses)
    _attach(built, answer)  # a file the agent sent (in a chat the customer had left)
    return built
