"""Delivery promises (rules O3, O5). STUB: the delivery work replaces the bodies; the
signatures are the contract other modules call."""


def order_window(order, now=None):
    """(first_date, last_date) the order is expected to arrive, or (None, None)."""
    return None, None


def shipment_window(shipment):
    """(first_date, last_date) the parcel is expected to arrive, or (None, None)."""
    return None, None


def christmas_deadlines(shop, today) -> list:
    """From 1 November until julafton: [(ShippingMethod, last_order_date, passed: bool)]."""
    return []
