from django_tasks import task

from . import rollups


@task()
def refresh_reports() -> int:
    """The report rows of the days touched since the last run, and today's."""
    return rollups.refresh()
