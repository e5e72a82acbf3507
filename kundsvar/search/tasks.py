from django_tasks import task

from . import services


@task()
def reindex_cases(case_ids: list[int]) -> int:
    """Idempotent: reads the cases as they are now."""
    services.index_cases(case_ids)
    return len(case_ids)
