"""Channels are small adapters behind this registry, not a plugin manager. A channel that
can carry an agent's answer to the customer has `send_reply(case, message)`."""

from django.utils.module_loading import import_string

CHANNELS = {
    "email": "kundsvar.channels.email.channel.EmailChannel",
    # A web-form question is answered by email, to the address the customer gave.
    "form": "kundsvar.channels.email.channel.EmailChannel",
    "api": "kundsvar.channels.email.channel.EmailChannel",
}


def channel_for(code: str):
    """The adapter for a channel code, or None when answers go out some other way
    (a phone call is answered on the phone)."""
    path = CHANNELS.get(code)
    return import_string(path)() if path else None
