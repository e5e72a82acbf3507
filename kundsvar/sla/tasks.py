from django_tasks import task

from . import services


@task()
def sweep_deadlines() -> dict[str, int]:
    return {**services.sweep(), **services.foresee_misses()}
