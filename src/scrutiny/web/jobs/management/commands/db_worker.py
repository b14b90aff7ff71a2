"""`manage.py db_worker`: django-tasks' database worker, which first recovers the jobs
of a worker that died and makes sure the periodic sweep is on the queue.

This app is listed before ``django_tasks_db`` in INSTALLED_APPS, so this command is the
one `manage.py db_worker` runs.
"""

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from scrutiny.web.jobs.services import jobs_recover_stalled, sweep_schedule


class Command(DatabaseWorkerCommand):
    help = "Run the background worker (imports, report builds, the sweep, erasure)"

    def handle(self, *args: Any, **options: Any) -> None:
        jobs_recover_stalled()
        sweep_schedule(delay_seconds=0)
        super().handle(*args, **options)
