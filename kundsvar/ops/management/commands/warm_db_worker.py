"""django-tasks-db's db_worker, after loading once what every inbound mail needs
(channels/email/worker.warm_up: URLs, language model, holidays, templates) and freezing
it out of the garbage collector's way. `kundsvar worker` runs it for the queues that
take inbound mail; the same options as db_worker."""

from django_tasks_db.management.commands.db_worker import Command as DbWorker

from kundsvar.channels.email.worker import warm_up


class Command(DbWorker):
    help = "db_worker, warmed up first for inbound mail."

    def handle(self, *args, **options):
        warm_up()
        return super().handle(*args, **options)
