"""Signed links to a customer's order status page (rule O2). STUB: the order-status-page
work replaces the body; the signature is the contract other modules call."""


def order_status_url(order) -> str:
    """An absolute, signed, expiring link to the order's status page."""
    return ""
