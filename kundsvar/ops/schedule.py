"""Periodic work, enqueued by `kundsvar worker`. Every job here must be idempotent:
several workers may each enqueue it (on PostgreSQL, many workers share one queue)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    task: str  # dotted path to a django-tasks task
    every_seconds: int


SCHEDULE = [
    Periodic("kundsvar.sla.tasks.sweep_deadlines", 60),
    Periodic("kundsvar.channels.email.tasks.send_due_outbound", 30),
    Periodic("kundsvar.channels.email.tasks.retry_failed_inbound", 60),
    Periodic("kundsvar.channels.email.tasks.poll_mailboxes", 60),
    Periodic("kundsvar.channels.hooks.tasks.process_due_hooks", 60),
    Periodic("kundsvar.channels.social.tasks.send_due_social", 30),
    Periodic("kundsvar.channels.phone.tasks.send_due_sms", 30),
    Periodic("kundsvar.channels.social.tasks.refetch_media", 300),
    Periodic("kundsvar.webhooks.tasks.send_due_webhooks", 30),
    Periodic("kundsvar.commerce.tasks.sweep_delayed_parcels", 900),
    Periodic("kundsvar.commerce.tasks.send_check_ins", 3600),
    Periodic("kundsvar.commerce.tasks.retry_failed_webhooks", 900),
    Periodic("kundsvar.live.tasks.prune_events", 3600),
    Periodic("kundsvar.insights.tasks.refresh_reports", 300),
    # Time conditions of automations: a rule fires within 60 s of its condition holding.
    Periodic("kundsvar.automations.tasks.run_time_rules", 60),
    Periodic("kundsvar.routing.tasks.escalate_unanswered", 60),
    Periodic("kundsvar.ops.tasks.apply_retention", 24 * 3600),
    Periodic("kundsvar.insights.tasks.send_weekly_reports", 900),
    Periodic("kundsvar.notifications.tasks.send_digests", 300),
]
