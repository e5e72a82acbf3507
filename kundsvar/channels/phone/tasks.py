from django_tasks import task

from . import outbox


@task(queue_name=outbox.QUEUE)
def send_sms(row_id: int) -> str:
    return outbox.send(row_id)


@task(queue_name=outbox.QUEUE)
def send_due_sms() -> int:
    return outbox.send_due()
