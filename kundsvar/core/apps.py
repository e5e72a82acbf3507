from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kundsvar.core"
    label = "core"

    def ready(self):
        # The worker's log lines carry the task's id (kundsvar.core.logs). django-tasks
        # has no other hook around a task's run than these signals.
        from django_tasks.signals import task_finished, task_started

        from kundsvar.core import logs

        task_started.connect(logs.task_started, dispatch_uid="kundsvar.logs.started")
        task_finished.connect(logs.task_finished, dispatch_uid="kundsvar.logs.finished")
