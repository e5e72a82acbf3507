"""Refund arithmetic (rule O6): refunded = paid − deductions, never below zero.

All amounts are integers in minor units. Deductions are applied in the order given; one
that is larger than what is left is capped to what is left, and the breakdown says so
(`requested_minor` beside `amount_minor`, `capped`), so a message or a page can show
"paid 80 kr − return shipping 59 kr = 21 kr" and never a negative refund. The result
satisfies the database check `refund_adds_up` by construction.
"""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Requested:
    reason: str
    amount_minor: int
    label: str = ""
    policy_text: str = ""


@dataclass(frozen=True)
class Applied:
    reason: str
    requested_minor: int
    amount_minor: int  # what is actually deducted: 0 ≤ amount ≤ requested
    label: str = ""
    policy_text: str = ""

    @property
    def capped(self) -> bool:
        return self.amount_minor < self.requested_minor


@dataclass(frozen=True)
class Breakdown:
    paid_minor: int
    deductions: tuple[Applied, ...]

    @property
    def deducted_minor(self) -> int:
        return sum(d.amount_minor for d in self.deductions)

    @property
    def refunded_minor(self) -> int:
        return self.paid_minor - self.deducted_minor

    @property
    def capped(self) -> bool:
        return any(d.capped for d in self.deductions)


def breakdown(paid_minor: int, deductions: Iterable[Requested] = ()) -> Breakdown:
    """Apply `deductions` to `paid_minor`. Raises ValueError for negative input: a
    negative price or a negative deduction is a bug upstream, not something to hide."""
    if paid_minor < 0:
        raise ValueError(f"paid amount is negative: {paid_minor}")
    left = paid_minor
    applied = []
    for item in deductions:
        if item.amount_minor < 0:
            raise ValueError(f"deduction is negative: {item.amount_minor}")
        if item.amount_minor == 0:
            continue
        amount = min(item.amount_minor, left)
        left -= amount
        applied.append(
            Applied(
                reason=item.reason,
                requested_minor=item.amount_minor,
                amount_minor=amount,
                label=item.label,
                policy_text=item.policy_text,
            )
        )
    return Breakdown(paid_minor=paid_minor, deductions=tuple(applied))
