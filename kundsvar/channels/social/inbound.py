"""Processing a stored Meta webhook body (`channels.hooks` calls `process_hook` after the
view checked the signature and stored it).

One body may carry several entries and messages. The body is stored once; each message
is taken in at most once, by its platform id (`PlatformMessage`, written in the same
transaction as our Message): a redelivered body, a retried hook, a worker that died
half-way through and the body's twin from another delivery all find the messages already
in and add nothing. Messages go in in the order they were written (their timestamps), so
a body that came late still sorts into the conversation where it belongs."""

import json
import logging
from dataclasses import asdict
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kundsvar.cases import services as cases
from kundsvar.cases.attachments import FAILED as ATTACHMENT_FAILED
from kundsvar.cases.attachments import File
from kundsvar.cases.models import Case, Status
from kundsvar.cases.services import Inbound
from kundsvar.customers import services as customers
from kundsvar.customers.models import CustomerHandle
from kundsvar.intake import services as intake

from . import graph, media, messenger, outbox, whatsapp
from .events import Incoming, Parsed
from .models import Connection, PlatformMessage

log = logging.getLogger(__name__)
UNSUPPORTED = "unsupported_message"  # a parse warning: a type we cannot show
STATUS_GRACE = timedelta(minutes=10)  # a status may arrive before our send is recorded


class UnknownAccount(ValueError):
    """The body is for a page or number this shop has not connected."""


def parse(body: dict) -> Parsed:
    kind = body.get("object")
    if kind == "whatsapp_business_account":
        return whatsapp.parse(body)
    if kind in messenger.OBJECTS:
        return messenger.parse(body)
    raise ValueError(f"Not a Messenger, Instagram or WhatsApp webhook (object {kind!r}).")


def process_hook(hook) -> None:
    """The processor of every Meta hook row (see channels.hooks.services.process)."""
    parsed = parse(json.loads(bytes(hook.body)))
    for incoming in sorted(parsed.messages, key=lambda m: m.at):
        take_in(_connection(hook, incoming.platform, incoming.account_id), incoming)
    for status in parsed.statuses:
        connection = _connection(hook, status.platform, status.account_id)
        if not outbox.apply_status(connection, status) and _young(hook):
            # Our send's answer (with this id) may not be committed yet: try again soon.
            raise LookupError(f"No message {status.external_ids} sent from here (yet).")


def _young(hook) -> bool:
    return hook.received_at > timezone.now() - STATUS_GRACE


def _connection(hook, platform: str, account_id: str) -> Connection:
    """The shop's connection the event is for: by the account id in the body, else the
    shop's one connection to that platform (the URL it came to was that shop's)."""
    rows = Connection.objects.select_related("shop").filter(platform=platform)
    if hook.shop_id:
        rows = rows.filter(shop_id=hook.shop_id)
    found = rows.filter(account_id=account_id).first() or (rows.first() if hook.shop_id else None)
    if found is None:
        raise UnknownAccount(f"No {platform} connection for account {account_id!r}.")
    return found


def take_in(connection: Connection, incoming: Incoming) -> None:
    """One customer message into a case, once."""
    seen = PlatformMessage.objects.filter(
        platform=incoming.platform, external_id=incoming.external_id
    )
    if not incoming.external_id:
        # Every documented message has one; without it a redelivery could not be told
        # apart. The raw body stays in channels.hooks.
        log.warning("a %s message without an id from %s", incoming.platform, incoming.sender)
        return
    if seen.exists():
        return
    shop = connection.shop
    customer = customers.find_or_create_by_handle(
        shop,
        incoming.platform,
        incoming.sender,
        name=incoming.name or _profile_name(connection, incoming),
    )
    if incoming.platform == "whatsapp":  # the WhatsApp id is the number: one history (C5)
        customers.add_phone(customer, f"+{incoming.sender}")
    if incoming.reaction or incoming.unsupported == "reaction_removed":
        _reaction(connection, incoming, customer)
        return
    files, missing = _fetch_media(connection, incoming)
    errors = [error for _media, error in missing]
    prepared = intake.prepare(_inbound(incoming, errors), attachments=files)
    try:
        with transaction.atomic():
            mapping = PlatformMessage.objects.create(
                platform=incoming.platform,
                external_id=incoming.external_id,
                connection=connection,
                sender=incoming.sender,
                created_at=incoming.at,
                # Tried again later by the worker (media.refetch_due).
                missing_media=[asdict(item) for item, _error in missing],
                media_next_at=timezone.now() + media.first_wait() if missing else None,
            )
            received = intake.store(
                shop, incoming.platform, prepared, customer=customer, hint=customer
            )
            PlatformMessage.objects.filter(pk=mapping.pk).update(message=received.message)
    except IntegrityError:
        if seen.exists():
            return  # another worker took this message in a moment ago
        raise
    intake.follow_through(received)


PROFILE_FIELDS = {"messenger": "first_name,last_name", "instagram": "name,username"}


def _profile_name(connection: Connection, incoming: Incoming) -> str:
    """A new Messenger or Instagram customer's name, asked of the platform once (the
    webhook carries only their id). Best effort: without the permission, no name."""
    fields = PROFILE_FIELDS.get(incoming.platform)
    known = CustomerHandle.objects.filter(
        shop=connection.shop_id, kind=incoming.platform, value=incoming.sender
    )
    if fields is None or known.exists():
        return ""
    try:
        profile = graph.get(
            incoming.platform, incoming.sender, connection.access_token, fields=fields
        )
    except graph.GraphError as error:
        log.info("no profile for %s %s: %s", incoming.platform, incoming.sender, error)
        return ""
    first_last = " ".join(filter(None, [profile.get("first_name"), profile.get("last_name")]))
    return str(first_last or profile.get("name") or profile.get("username") or "")[:200]


def _inbound(incoming: Incoming, missing: list[str]) -> Inbound:
    warnings = []
    lines = [incoming.text] if incoming.text else []
    if incoming.unsupported:
        warnings.append(UNSUPPORTED)
        lines.append(
            _("[Unsupported message: %(kind)s. Open %(platform)s to see it.]")
            % {"kind": incoming.unsupported, "platform": incoming.platform.title()}
        )
    if missing:
        warnings.append(ATTACHMENT_FAILED)
        lines += [
            _("[A file could not be fetched from %(platform)s: %(error)s]")
            % {"platform": incoming.platform.title(), "error": error}
            for error in missing
        ]
    return Inbound(
        from_address=f"{incoming.platform}:{incoming.sender}",
        from_name=incoming.name,
        body_text="\n".join(lines),
        received_at=incoming.at,
        message_id=incoming.external_id,
        parse_warnings=warnings,
    )


def _fetch_media(connection: Connection, incoming: Incoming) -> tuple[list[File], list]:
    """The customer's files, fetched before the write transaction. A file that cannot be
    fetched never costs the text: it is named on the message instead, and tried again
    later (A6). Returns the files and the (media, error text) that failed."""
    files, missing = [], []
    for number, item in enumerate(incoming.media, start=1):
        try:
            files.append(media.fetch(connection, item, number))
        except graph.GraphError as error:
            log.warning("media %s of %s not fetched: %s", number, incoming.external_id, error)
            missing.append((item, f"{item.kind} {item.media_id}: {error}".replace("  ", " ")))
    return files, missing


def _reaction(connection: Connection, incoming: Incoming, customer) -> None:
    """A reaction to one of our messages is not a question: a note on the customer's case
    on that platform, shown to the team, owing nothing. With no case to put it on, it
    opens one (nothing the customer sends is dropped, A6)."""
    if not incoming.reaction:
        return  # a reaction taken back
    case = (
        Case.objects.filter(shop=connection.shop, customer=customer, channel=incoming.platform)
        .exclude(status=Status.CLOSED)
        .order_by("-received_at")
        .first()
    )
    if case is None:
        incoming.unsupported = "reaction"
        incoming.text = incoming.reaction
        incoming.reaction = ""
        take_in(connection, incoming)
        return
    text = _("The customer reacted with %(emoji)s on %(platform)s.") % {
        "emoji": incoming.reaction,
        "platform": incoming.platform.title(),
    }
    try:
        with transaction.atomic():
            PlatformMessage.objects.create(
                platform=incoming.platform,
                external_id=incoming.external_id,
                connection=connection,
                sender=incoming.sender,
                created_at=incoming.at,
                message=cases.add_note(case, None, text, now=incoming.at),
            )
    except IntegrityError:
        return  # taken in by another worker
