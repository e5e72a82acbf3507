from django_tasks import task

from . import outbox


@task(queue_name=outbox.QUEUE)
def send_social(row_id: int) -> str:
    return outbox.send(row_id)


@task()
def send_due_social() -> int:
    return outbox.send_due()


@task()
def refetch_media() -> int:
    from . import media

    return media.refetch_due()
