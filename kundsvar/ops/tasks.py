from django_tasks import task

from . import retention


@task()
def apply_retention() -> int:
    """Daily: every shop's retention policy (idempotent: what is gone stays gone)."""
    return sum(
        counts.get("cases", 0) + counts.get("raw_mail", 0)
        for counts in retention.apply_all().values()
    )
