from datetime import datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from kundsvar.cases.models import Case
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.search.queries import search_cases
from kundsvar.search.services import index_case

STHLM = ZoneInfo("Europe/Stockholm")
_minutes = count()


def indexed_case(shop, subject: str, text: str, language: str = "sv", **kwargs) -> Case:
    """A case opened through the services, then indexed. Each one a minute newer."""
    received = datetime(2026, 11, 23, 9, 0, tzinfo=STHLM) + timedelta(minutes=next(_minutes))
    case = open_email_case(
        shop,
        received,
        subject=subject,
        text=text,
        language=language,
        sender=f"kund{received.minute}{received.hour}@example.se",
        **kwargs,
    )
    index_case(case.pk)
    return case


def found(query: str, queryset=None, language=None) -> list[int]:
    """Case numbers that `query` finds, best first."""
    queryset = Case.objects.all() if queryset is None else queryset
    return list(search_cases(queryset, query, language).values_list("number", flat=True))
