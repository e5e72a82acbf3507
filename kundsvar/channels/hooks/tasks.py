from django_tasks import task

from . import services


@task()
def process_hook(hook_id: int) -> str:
    return services.process(hook_id)


@task()
def process_due_hooks() -> int:
    return services.process_due()
