from django_tasks import task

from . import services


@task()
def prune_events() -> int:
    """Stored live events older than two days (reconnects need minutes; the case keeps
    the conversation)."""
    return services.prune()
