"""The chat channel's adapter (`kundsvar.channels.registry`).

A live chat needs no receipt by mail: the customer is on the page and sees their place
in the queue. A customer who leaves a message instead (nobody online, a long wait) gets
the email acknowledgement with the promised time (A1–A5) when they gave an address.

An agent's answer goes to the live chat (both streams: the customer's and the agents').
When the customer is gone — the chat ended or they left a message, or their page has
not been connected for a while — and they gave an email address, it goes by email too,
so an answer written after they left still reaches them."""

from datetime import timedelta

from django.utils import timezone

from kundsvar.channels.registry import NEW_CASE, Channel, Thread, channel_for

from . import events
from .models import ChatState

GONE_AFTER = timedelta(minutes=2)  # a customer page reports at least every 30 s


def _email() -> Channel:
    channel = channel_for("email")
    assert channel is not None, "the email channel is always registered"
    return channel


def _chat(case):
    from .models import Chat

    return Chat.objects.filter(case=case).first()


def customer_gone(chat, now) -> bool:
    if chat.state in (ChatState.ENDED, ChatState.LEFT):
        return True
    return chat.customer_seen_at is None or chat.customer_seen_at < now - GONE_AFTER


class ChatChannel:
    code = "chat"

    def present_agents(self, shop, now) -> set[int]:
        """The shop's agents online now (their inbox reported lately): whom routing may
        give work (rule T2); away and offline agents get none."""
        from .models import AgentStatus, Availability
        from .wait import SEEN_WINDOW

        return set(
            AgentStatus.objects.filter(
                availability=Availability.ONLINE,
                seen_at__gte=now - SEEN_WINDOW,
                agent__memberships__shop=shop,
                agent__is_active=True,
            ).values_list("agent_id", flat=True)
        )

    def thread(self, shop, inbound, hint=None) -> Thread:
        """A chat's lines name their case (its token); anything else starts a chat."""
        return NEW_CASE

    def should_acknowledge(self, case, message) -> bool:
        chat = _chat(case)
        if chat is None or chat.state != ChatState.LEFT or not message.from_address:
            return False
        return _email().should_acknowledge(case, message)

    def acknowledge(self, case, message) -> None:
        _email().acknowledge(case, message)

    def send_reply(self, case, message) -> None:
        chat = _chat(case)
        if chat is None:
            return
        events.message(chat, message)
        if chat.email and customer_gone(chat, message.created_at or timezone.now()):
            _email().send_reply(case, message)
