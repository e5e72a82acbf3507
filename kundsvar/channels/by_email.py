"""Channels without a way back of their own: the customer gets the acknowledgement and
the agent's answers by email, to the address they gave. They reach the email channel
through the registry, like everything outside it."""

from .registry import NEW_CASE, Channel, Thread, channel_for


def _email() -> Channel:
    channel = channel_for("email")
    assert channel is not None, "the email channel is always registered"
    return channel


class AnsweredByEmail:
    code = ""

    def thread(self, shop, inbound, hint=None) -> Thread:
        """Every message is a new question: a form or an API call carries no thread."""
        return NEW_CASE

    def should_acknowledge(self, case, message) -> bool:
        """As for email (A1–A5), with its loop and rate protection."""
        return _email().should_acknowledge(case, message)

    def acknowledge(self, case, message) -> None:
        _email().acknowledge(case, message)

    def send_reply(self, case, message) -> None:
        _email().send_reply(case, message)


class ApiChannel(AnsweredByEmail):
    """A case another system opened over the JSON API (`POST /api/cases`)."""

    code = "api"
