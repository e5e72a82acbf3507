from django_tasks import task

from . import services


@task()
def send_webhook(delivery_id: int) -> str:
    return services.send(delivery_id)


@task()
def send_due_webhooks() -> int:
    return services.send_due()
