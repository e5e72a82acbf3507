"""Read side of search: one entry point for both database engines."""

from django.db.models import F, QuerySet

from . import text
from .engines import engine


def search_cases(queryset: QuerySet, query: str, language: str | None = None) -> QuerySet:
    """The cases of `queryset` whose subject or any message (notes included) matches
    `query`, best match first, then newest. Each case carries `search_rank`.

    Permission is the caller's: pass the agent's cases (`cases_for(agent)`) and only
    those are searched. Words are ANDed; "OR" between words and a trailing "*" for a
    prefix are understood; any other punctuation is ignored, so no query raises. A
    query without a word matches nothing. `language` (sv/nb/da/en) stems the query in
    that language only; by default in all four, since an agent may type Swedish words
    in a Norwegian case (rule K2).
    """
    clauses = text.parse_query(query)
    if not clauses:
        return queryset.none()
    found = engine().search(queryset, clauses, text.query_languages(language))
    return found.order_by(F("search_rank").desc(), F("received_at").desc(), F("pk").desc())
