"""Read side of search: one entry point for both database engines."""

from django.db.models import F, QuerySet

from . import text
from .engines import engine

# A word in more of the agent's cases than this (a common word: "paketet" is in two
# cases of three) ranks the newest this many of them, not all: ranking every match
# costs a second at a million cases, and the page shows the first 50 anyway.
RANKED = 2000


def search_cases(queryset: QuerySet, query: str, language: str | None = None) -> QuerySet:
    """The cases of `queryset` whose subject or any message (notes included) matches
    `query`, best match first, then newest. Each case carries `search_rank`.

    Permission is the caller's: pass the agent's cases (`cases_for(agent)`) and only
    those are searched. Words are ANDed; "OR" between words and a trailing "*" for a
    prefix are understood; any other punctuation is ignored, so no query raises. A
    query without a word matches nothing. `language` (sv/nb/da/en) stems the query in
    that language only; by default in all four, since an agent may type Swedish words
    in a Norwegian case (rule K2). Only the newest RANKED matches (by case id) take
    part: the best of the newest for a common word, every match for a rarer one.
    """
    clauses = text.parse_query(query)
    if not clauses:
        return queryset.none()
    found = engine().search(queryset, clauses, text.query_languages(language), RANKED)
    return found.order_by(F("search_rank").desc(), F("received_at").desc(), F("pk").desc())
