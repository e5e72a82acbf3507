from django_tasks import task

from . import engine


@task()
def run_event_rules(case_id: int, trigger: str, key: str) -> int:
    """The rules for one event on one case; idempotent (each fires once per key)."""
    return engine.run_event(case_id, trigger, key)


@task()
def run_time_rules() -> int:
    """Every minute (`ops.schedule`): the rules whose time condition now holds."""
    return engine.sweep()
