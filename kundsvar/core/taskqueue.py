"""Questions to the task queue (django-tasks-db) that django-tasks does not ask."""

from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

# The queue's index of waiting tasks is a partial one (WHERE status = 'READY'), which
# PostgreSQL's generic plans use only with the same constant in the query's text.
_READY = str(TaskResultStatus.READY.value)  # "READY": letters only, safe in SQL text


def waiting(task) -> bool:
    """Is a run of `task` enqueued in the database queue and not yet started? Its worker
    will then find whatever is stored now. False for any other backend (the immediate one
    in tests runs every enqueued task at once)."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    table = connection.ops.quote_name(DBTaskResult._meta.db_table)
    sql = f"SELECT 1 FROM {table} WHERE status = '{_READY}' AND task_path = %s LIMIT 1"  # noqa: S608 — our table and the queue's own constant; the path a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [task.module_path])
        return cursor.fetchone() is not None
