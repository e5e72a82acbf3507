"""The audit log of a case: `record_event` is the only writer of CaseEvent rows.

Every app that changes something about a case (replies, the promise clock, order links,
delivery of outgoing mail) records it here, with a kind from `EventKind`, so the
timeline, the reports and the exports read one vocabulary (saleor's order/events.py
is the model).
"""

from datetime import datetime
from typing import TYPE_CHECKING

from kundsvar.core.inserts import insert

from .models import Case, CaseEvent, EventKind

if TYPE_CHECKING:
    from kundsvar.accounts.models import Agent


def record_event(
    case: Case | int,
    kind: EventKind | str,
    *,
    at: datetime,
    actor: "Agent | None" = None,
    **data: object,
) -> CaseEvent:
    """Append one event to the case's timeline. `case` may be the case or its id (a
    worker that only knows the id need not load the row). Unknown kinds are refused:
    a code the timeline cannot label is a bug, not data."""
    kind = EventKind(kind)
    case_field = {"case": case} if isinstance(case, Case) else {"case_id": case}
    event = CaseEvent(**case_field, kind=kind, actor=actor, data=data, created_at=at)
    insert(event)  # one is written for nearly every message: the statement made once
    return event
