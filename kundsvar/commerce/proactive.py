"""Proactive order messages (rules O1, O4, O6, O8). STUB: the proactive-messages work
replaces the bodies; the signatures are the contract other modules call."""


def on_change(order, kind: str, *, obj=None, now=None) -> None:
    """Commerce services call this inside their transaction when something the customer
    should hear about happened. `kind` is a MessageKind value (confirmed, waiting,
    shipped, delivered, return_received, refund_paid); `obj` is the Shipment, Return or
    Refund it is about (None for order-level kinds)."""
