from django_tasks import task

from . import rollups, services


@task()
def refresh_reports() -> int:
    """The report rows of the days touched since the last run, and today's."""
    return rollups.refresh()


@task()
def send_weekly_reports() -> int:
    """The weekly report mails due (Monday morning in each shop's time)."""
    return services.send_weekly_reports()
