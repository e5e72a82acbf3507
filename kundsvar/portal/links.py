"""The customer's signed link to their case (no customer passwords). It goes out in every
acknowledgement and reply; a tampered or expired link opens nothing."""

from django.urls import reverse

from kundsvar.cases.models import Case
from kundsvar.core import links

PURPOSE = "portal"
LINK_DAYS = 180
# A merge chain longer than this is a loop or a mistake: show nothing rather than spin.
_MAX_MERGES = 10


def portal_url(case: Case) -> str:
    """Absolute link to the case page in the customer portal."""
    token = links.sign(PURPOSE, {"c": case.pk})
    return links.absolute(reverse("portal:case", args=[token]))


def case_for_token(token: str) -> Case | None:
    """The case a link opens — the one it was merged into, if merged, when that is the
    same customer's — or None."""
    data = links.unsign(PURPOSE, token, max_age_days=LINK_DAYS)
    if not data or not isinstance(data.get("c"), int):
        return None
    case = Case.objects.select_related("shop", "customer").filter(pk=data["c"]).first()
    for _ in range(_MAX_MERGES):
        if case is None or case.merged_into_id is None:
            return case
        into = (
            Case.objects.select_related("shop", "customer").filter(pk=case.merged_into_id).first()
        )
        if into is not None and into.customer_id != case.customer_id:
            # Merged into another customer's case (merge_cases refuses that now, but not
            # every row was made by it): never show someone else's conversation.
            return None
        case = into
    return None
