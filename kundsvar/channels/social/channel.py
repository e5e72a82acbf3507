"""The adapters of Messenger, Instagram and WhatsApp (`kundsvar.channels.registry`): a
message joins the customer's open case on the same platform; the acknowledgement and the
agent's answers go back on the platform, within its window (window.py)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kundsvar.cases.events import record_event
from kundsvar.cases.models import Case, Direction, EventKind, Status
from kundsvar.cases.services import CaseError
from kundsvar.channels.registry import NEW_CASE, Thread

from . import acknowledgement, choice, messenger, outbox, whatsapp, window
from .inbound import UNSUPPORTED
from .models import SocialKind

ACK_MAX_AGE = timedelta(hours=1)  # a message from a backlog gets no receipt now


class SocialChannel:
    code = ""

    def thread(self, shop, inbound, hint=None) -> Thread:
        """`hint` is the customer, found by their platform id: their newest case on this
        platform that is not closed, else a new case."""
        if hint is None:
            return NEW_CASE
        case = (
            Case.objects.filter(shop=shop, customer=hint, channel=self.code)
            .exclude(status=Status.CLOSED)
            .order_by("-received_at", "-pk")
            .first()
        )
        return Thread(case) if case else NEW_CASE

    def should_acknowledge(self, case, message) -> bool:
        """Rules A1–A4 in a chat: once per question (a new case or a follow-up), to a
        message that just came, when the shop wants it."""
        routed = outbox.route(case)
        if routed is None or not routed[0].acknowledge or not routed[0].active:
            return False
        if UNSUPPORTED in message.parse_warnings:
            return False
        if message.created_at < timezone.now() - ACK_MAX_AGE:
            return False
        inbound = case.messages.filter(direction=Direction.INBOUND)
        return message.is_follow_up or inbound.count() == 1

    def acknowledge(self, case, message) -> None:
        connection, recipient = outbox.route(case)  # should_acknowledge checked it
        payloads = self.text_payloads(recipient, acknowledgement.text(case, message), tag="")
        with transaction.atomic():
            outbox.queue(
                case,
                message,
                connection,
                recipient,
                payloads,
                kind=SocialKind.ACK,
                now=message.created_at,
            )
            record_event(case, EventKind.ACKNOWLEDGED, at=message.created_at, message=message.pk)

    def send_reply(self, case, message) -> None:
        """Queue the agent's answer, or refuse it (CaseError, nothing is saved) when the
        platform's window does not allow it."""
        routed = outbox.route(case)
        if routed is None:
            raise CaseError(
                _("This case did not come from %(platform)s: answer it by email instead.")
                % {"platform": case.get_channel_display()}
            )
        connection, recipient = routed
        chosen = choice.chosen_template()
        if chosen is not None:
            payloads = [self.template_payload(recipient, chosen)]
            kind = SocialKind.TEMPLATE
        else:
            payloads = self.text_payloads(
                recipient, message.body_text, tag=self._tag(case, message)
            )
            kind = SocialKind.REPLY
        outbox.queue(
            case, message, connection, recipient, payloads, kind=kind, now=message.created_at
        )

    def _tag(self, case, message) -> str:
        open_ = window.for_case(case, message.created_at)
        if open_.mode == "open":
            return ""
        if open_.mode == "human_agent":
            return "HUMAN_AGENT"
        raise CaseError(self.refusal(open_, case))

    def refusal(self, open_, case) -> str:
        last = (
            timezone.localtime(open_.last_message_at, case.shop.tz).strftime("%Y-%m-%d %H:%M")
            if open_.last_message_at
            else "–"
        )
        return _(
            "Not sent: the customer last wrote on %(platform)s %(last)s, and a reply is "
            "allowed only within 7 days of that. Answer by email or wait until they write."
        ) % {"platform": case.get_channel_display(), "last": last}

    def text_payloads(self, recipient: str, text: str, tag: str) -> list[dict]:
        return messenger.text_payloads(recipient, text, tag=tag)

    def template_payload(self, recipient, template):
        raise CaseError(_("Templates are sent on WhatsApp only."))


class MessengerChannel(SocialChannel):
    code = "messenger"


class InstagramChannel(SocialChannel):
    code = "instagram"


class WhatsAppChannel(SocialChannel):
    code = "whatsapp"

    def _tag(self, case, message) -> str:
        open_ = window.for_case(case, message.created_at)
        if open_.mode == "open":
            return ""
        raise CaseError(self.refusal(open_, case))

    def refusal(self, open_, case) -> str:
        return _(
            "Not sent: more than 24 hours have passed since the customer last wrote on "
            "WhatsApp. Outside that window only an approved template may be sent: choose one."
        )

    def text_payloads(self, recipient: str, text: str, tag: str) -> list[dict]:
        return whatsapp.text_payloads(recipient, text)

    def template_payload(self, recipient, template):
        return whatsapp.template_payload(
            recipient, template.name, template.language, choice.chosen_parameters()
        )
