"""Periodic commerce work (rules O1, O8). Both sweeps are idempotent: a parcel is
claimed with a conditional update and every message has a unique key, so overlapping
runs on several workers send nothing twice."""

from django_tasks import task

from . import proactive


@task()
def sweep_delayed_parcels() -> int:
    return proactive.sweep_delayed()


@task()
def send_check_ins() -> int:
    return proactive.send_check_ins()
