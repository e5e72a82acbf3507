from django_tasks import task

from . import services


@task()
def escalate_unanswered() -> int:
    """Every minute (`ops.schedule`): cases left unanswered near their promise."""
    return services.escalate()
