"""The WhatsApp template an agent chose for the answer being sent now.

`cases.services.reply` writes the answer and asks the channel to send it
(`send_reply(case, message)`); the message is the template's text, and the channel
needs to know it is a template. `services.reply_with_template` says so for the length
of that one call."""

from contextlib import contextmanager
from contextvars import ContextVar

_chosen: ContextVar = ContextVar("whatsapp_template", default=(None, ()))


def chosen_template():
    return _chosen.get()[0]


def chosen_parameters() -> tuple[str, ...]:
    """The values for the chosen template's {{1}}, {{2}} …"""
    return _chosen.get()[1]


@contextmanager
def template(chosen, parameters=()):
    token = _chosen.set((chosen, tuple(parameters)))
    try:
        yield
    finally:
        _chosen.reset(token)
