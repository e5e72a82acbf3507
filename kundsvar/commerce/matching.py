"""Matching an inquiry to its customer and order (rule C4). STUB: the matching work
replaces the bodies; the signatures are the contract other modules call."""


def match_case(case, *, now=None) -> list:
    """Find the orders this case is probably about; store them as CaseOrder rows."""
    return []


def link_confirmed(case, order, *, agent=None, reason: str = "agent", now=None):
    """Link `case` to `order` for certain (an agent's click, or a signed link)."""
    return None
