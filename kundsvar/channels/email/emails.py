"""One function per outgoing email, each with its own subject, text and HTML
templates, in the customer's language, from the shop's customer-service address."""

import secrets
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.template.defaultfilters import linebreaksbr
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

from . import mimetext, stencil
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


def _render(name: str, make_context, language: str, make_fixed=None) -> tuple[str, str, str]:
    """The three templates of `name`, with a context made inside the customer's language
    (the self-service sections and links are worded in it too). With `make_fixed` (the
    values many messages share; `make_context` then gives this message's own) from a
    stencil: rendered once, filled in for each message (stencil.py)."""
    names = [f"emails/{name}_subject.txt", f"emails/{name}.txt", f"emails/{name}.html"]
    with translation.override(promise_language(language)):
        if make_fixed is None:
            context = make_context()
            subject, text, html = (render_to_string(each, context) for each in names)
        else:
            subject, text, html = stencil.render(names, make_fixed(), make_context())
    return " ".join(subject.split()), text, html


def message_id(case, domain: str) -> str:
    """Unguessable (128 bits from `secrets`): a reply citing one of ours joins its case even
    from a new sender (threading.py), so knowing it must mean having received our mail.
    email.utils.make_msgid uses the clock, the pid and `random`, which can be predicted."""
    return f"<{secrets.token_hex(16)}.k{case.number}@{domain}>"


def _headers(
    case, subject: str, *, to: str, in_reply_to: str, references: str, automatic: bool
) -> list[tuple[str, str]]:
    domain = case.shop.email.rpartition("@")[2]
    headers = [
        ("From", formataddr((case.shop.name, case.shop.email))),
        ("To", to),
        ("Reply-To", formataddr((case.shop.name, reply_address(case)))),
        ("Subject", subject),
        ("Date", format_datetime(timezone.now())),
        ("Message-ID", message_id(case, domain)),
    ]
    if in_reply_to:
        headers.append(("In-Reply-To", in_reply_to))
        headers.append(("References", " ".join([*message_ids(references), in_reply_to])))
    if automatic:
        # RFC 3834: an automatic answer. Tells well-behaved responders not to answer it,
        # and Exchange not to send its out-of-office back (no mail loops).
        headers.append(("Auto-Submitted", "auto-replied"))
        headers.append(("X-Auto-Response-Suppress", "All"))
    return headers


def _assemble(headers: list[tuple[str, str]], text: str, html: str) -> EmailMessage:
    message = EmailMessage(policy=mimetext.SMTP)
    for name, value in headers:
        message[name] = value
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _rendered(
    case,
    name: str,
    make_context,
    *,
    to: str,
    in_reply_to: str,
    references: str,
    automatic: bool,
    language: str = "",
    make_fixed=None,
) -> tuple[list[tuple[str, str]], str, str]:
    """The mail's headers, text and HTML, in `language` or the case's."""
    subject, text, html = _render(name, make_context, language or case.language, make_fixed)
    headers = _headers(
        case, subject, to=to, in_reply_to=in_reply_to, references=references, automatic=automatic
    )
    return headers, text, html


def _build(case, name: str, make_context, **addressing) -> EmailMessage:
    """The mail as an EmailMessage (`_rendered`'s arguments)."""
    return _assemble(*_rendered(case, name, make_context, **addressing))


def _write(case, name: str, make_context, *, to: str, **addressing) -> mimetext.Written:
    """`_build` straight to bytes (`mimetext.write_alternative`), for mail sent often and
    never changed after (the acknowledgement); the stdlib builds it when the fast writer
    declines (an address outside ASCII, a header with control characters)."""
    headers, text, html = _rendered(case, name, make_context, to=to, **addressing)
    written = mimetext.write_alternative(
        headers, text, html, from_address=case.shop.email, to_address=to
    )
    if written is not None:
        return written
    built = _assemble(headers, text, html)
    return mimetext.Written(
        from_address=built["From"].addresses[0].addr_spec,
        to_address=built["To"].addresses[0].addr_spec,
        subject=str(built["Subject"]),
        message_id=str(built["Message-ID"]),
        mime=built.as_bytes(policy=mimetext.SMTP),
    )


def _opening_hours(shop) -> list:
    """Loaded once per batch of mail (batchcache); shops.services forgets them on a change."""
    return batchcache.cached(shop.pk, ("opening_hours",), lambda: list(shop.opening_hours.all()))


def _hours_text(shop, language: str) -> str:
    """The opening hours in words, once per language in a batch of mail (shops.services
    forgets them on a change)."""
    return batchcache.cached(
        shop.pk, ("hours_summary", language), lambda: hours_summary(_opening_hours(shop), language)
    )


def _promise_text(case) -> str:
    """A4's deadline in words. It names a minute of the shop's local time, and a burst of
    mail shares its deadlines: in a batch, babel formats each minute once per language."""
    tz = case.shop.tz
    minute = case.due_at.astimezone(tz).replace(second=0, microsecond=0)
    return batchcache.cached(
        case.shop_id,
        ("promise_text", case.language, minute),
        lambda: promise_text(case.due_at, case.language, tz),
    )


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


def written_acknowledgement(case, inbound) -> mimetext.Written:
    """Rules A1–A5: case number, a copy of the question, a concrete promise, the phone
    and opening hours, and an honest word when the promise was stretched for load.
    As the bytes the outbox stores (`acknowledgement` gives the parsed mail).

    Rendered from a stencil (stencil.py): what the templates read is here, as plain
    values, split into what many acknowledgements share and what is this one's own."""
    # A4's honest word about the queue belongs to the first answer only: no query for
    # the opening event when acknowledging a follow-up.
    under_load = not inbound.is_follow_up and _opened_under_load(case)

    def shared() -> dict:
        shop = case.shop
        return {
            "shop": {"name": shop.name, "email": shop.email, "phone": shop.phone},
            "opening_hours": _hours_text(shop, case.language),
            "queue_note": under_load,
            # Later than the ceiling because of the queue: said plainly (A4, S1).
            "beyond_ceiling": under_load and case.beyond_ceiling,
            "follow_up": inbound.is_follow_up,
        }

    def own() -> dict:
        question = inbound.display_text
        return {
            "case": {"number": case.number, "subject": case.subject},
            "customer_name": case.customer.first_name,
            # Quoted here, not by filters in the templates (a stencil takes values as
            # they are): "> " before each line, and line breaks as <br> in the HTML.
            "question_quoted": "".join(f"> {line}\n" for line in question.splitlines()),
            "question_html": linebreaksbr(question, autoescape=True),
            "promise": with_note(_promise_text(case), case_note(case)) if case.due_at else "",
            "sections": ack_sections(case, inbound),
            "portal_url": portal_url(case),
        }

    return _write(
        case,
        "ack",
        own,
        to=inbound.from_address,
        in_reply_to=inbound.message_id,
        references=inbound.references,
        automatic=True,
        make_fixed=shared,
    )


def acknowledgement(case, inbound) -> EmailMessage:
    """The acknowledgement (`written_acknowledgement`) as an EmailMessage."""
    return written_acknowledgement(case, inbound).message()


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
