from django_tasks import task

from . import imap, outbox, pipeline, worker


# Sending has a queue of its own: a slow or silent SMTP server never holds up incoming
# mail, which `kundsvar worker` processes in a separate worker process.
@task(queue_name=outbox.QUEUE)
def send_outbound(outbound_id: int) -> str:
    return outbox.send_new(outbound_id)


@task(queue_name=outbox.QUEUE)
def send_outbound_rows(outbound_ids: list[int]) -> dict[str, int]:
    """The acknowledgements of one batch of inbound mail, one after the other."""
    return outbox.send_new_rows(outbound_ids)


@task(queue_name=outbox.QUEUE)
def send_due_outbound() -> int:
    return outbox.send_due()


@task()
def process_inbound(raw_ids: list[int]) -> int:
    """Messages just accepted (pipeline.accept). Idempotent: a row already processed, or
    being processed by another worker, is left alone."""
    return worker.process_ids(raw_ids)


@task()
def process_pending_inbound() -> int:
    """One batch of whatever waits, claimed safely beside other workers (worker.claim)."""
    return worker.process_pending()


@task()
def retry_failed_inbound() -> int:
    """Messages stored but not (or not successfully) processed."""
    return pipeline.retry_failed()


@task()
def poll_mailboxes() -> dict:
    """Poll every enabled IMAP mailbox once. Safe to overlap: a per-mailbox lock makes
    a second run skip mailboxes still being polled."""
    results = imap.poll_all()
    return {
        "mailboxes": len(results),
        "fetched": sum(r.fetched for r in results),
        "new": sum(r.new for r in results),
        "failed": sum(bool(r.error) for r in results),
    }
