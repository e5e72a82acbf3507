from django_tasks import task

from . import outbox, pipeline


@task()
def send_outbound(outbound_id: int) -> str:
    return outbox.send(outbound_id)


@task()
def send_due_outbound() -> int:
    return outbox.send_due()


@task()
def retry_failed_inbound() -> int:
    return pipeline.retry_failed()
