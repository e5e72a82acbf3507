"""Periodic commerce work (rules O1, O8). Both sweeps are idempotent: a parcel is
claimed with a conditional update and every message has a unique key, so overlapping
runs on several workers send nothing twice."""

from django_tasks import task

from . import proactive
from .connectors import retry


@task()
def sweep_delayed_parcels() -> int:
    """Late parcels, and late orders that have not shipped at all."""
    return proactive.sweep_delayed() + proactive.sweep_late_orders()


@task()
def send_check_ins() -> int:
    return proactive.send_check_ins()


@task()
def retry_failed_webhooks() -> int:
    """Failed platform webhooks again, after a grace period (WooCommerce never retries)."""
    return sum(retry.retry_due().values())
