"""Writes to the search index. The index is derived data: `index_case` rebuilds one
case's entry from the database, so calling it twice, late or for a deleted case is
always safe, like every task that takes ids."""

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Max, Min, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from kundsvar.cases.models import Case, Message
from kundsvar.core import batchcache

from .engines import engine
from .text import Document, document

REBUILD_CHUNK = 5_000  # case ids per transaction
INDEX_CHUNK = 500  # well under SQLite's limit on query parameters


def index_case(case_id: int) -> None:
    """(Re)index one case: its number, subject and every message, notes included."""
    index_cases([case_id])


def index_cases(case_ids: Iterable[int]) -> None:
    """(Re)index these cases; ids of deleted cases leave the index."""
    case_ids = list(case_ids)
    for start in range(0, len(case_ids), INDEX_CHUNK):
        chunk = case_ids[start : start + INDEX_CHUNK]
        with transaction.atomic():
            documents = _documents(Case.objects.filter(pk__in=chunk))
            found = {d.case_id for d in documents}
            engine().replace(documents, deleted=[pk for pk in chunk if pk not in found])


def index_on_commit(*case_ids: int) -> None:
    """For services: index after the surrounding transaction commits, never for a
    write that rolled back. In a batch of inbound mail (core.batchcache), one task for
    every case the batch touched, queued when the batch ends."""

    def queue() -> None:
        if not batchcache.after_batch("reindex", case_ids, _enqueue):
            _enqueue(list(case_ids))

    transaction.on_commit(queue)


def _enqueue(case_ids: list[int]) -> None:
    from .tasks import reindex_cases

    reindex_cases.enqueue(case_ids)


def rebuild(progress: Callable[[int], object] | None = None) -> int:
    """Index every case from scratch into a new table, swapped in at the end; cases
    changed meanwhile are indexed again after the swap. Returns the count."""
    started = timezone.now()
    backend = engine()
    backend.start_rebuild()
    bounds = Case.objects.aggregate(low=Min("pk"), high=Max("pk"))
    count = 0
    if bounds["low"] is not None:
        for start in range(bounds["low"], bounds["high"] + 1, REBUILD_CHUNK):
            with transaction.atomic():
                documents = _documents(
                    Case.objects.filter(pk__gte=start, pk__lt=start + REBUILD_CHUNK)
                )
                backend.add(documents)
            count += len(documents)
            if progress:
                progress(count)
    backend.finish_rebuild()
    index_cases(Case.objects.filter(updated_at__gte=started).values_list("pk", flat=True))
    return count


def _documents(cases: QuerySet[Case]) -> list[Document]:
    rows = list(cases.order_by("pk").values_list("pk", "number", "subject", "language"))
    if not rows:
        return []
    messages: dict[int, list[tuple[str, str]]] = {pk: [] for pk, *_ in rows}
    texts = (
        Message.objects.filter(case__in=cases.values("pk"))
        .order_by("case_id", "created_at", "pk")
        .values_list(
            "case_id",
            "subject",
            Coalesce(NullIf("new_text", Value("")), "body_text", output_field=TextField()),
        )
    )
    for case_id, subject, text in texts:
        messages[case_id].append((subject, text))
    return [
        document(pk, number, subject, language, messages[pk])
        for pk, number, subject, language in rows
    ]


def purge_deleted_terms() -> None:
    """Make removed text unrecoverable from the index (GDPR erasure). SQLite's FTS5 keeps
    deleted terms in its segments until they are merged: 'optimize' merges them all (it
    rewrites the index: for erasures, not for every write). PostgreSQL's old row versions
    go with VACUUM (autovacuum, or `VACUUM search_document` at once)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES('optimize')")
