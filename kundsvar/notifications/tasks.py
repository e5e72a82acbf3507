from django_tasks import task

from . import services


@task()
def send_digests() -> int:
    """Every few minutes: the hourly and daily email digests that are due (idempotent)."""
    return services.send_digests()
