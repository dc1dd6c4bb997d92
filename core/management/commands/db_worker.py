"""`manage.py db_worker`: django-tasks-db's command with the worker of core/worker.py, which
waits out database outages instead of dying. (core comes before django_tasks_db in
INSTALLED_APPS, so this command replaces the library's under the same name.)"""

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from core.worker import MAX_BACKOFF, Worker


class Command(db_worker.Command):
    help = (
        "Run the database task worker. It survives database outages: a lost or refused "
        "connection is retried with back-off (1 s doubling to --max-backoff)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--max-backoff",
            type=db_worker.valid_interval,
            default=MAX_BACKOFF,
            help="Longest wait, in seconds, between tries to reach a database that is away "
            "(default: %(default)r)",
        )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        max_backoff,
        **options,
    ):
        # The library's handle(), with our Worker.
        self.configure_logging(verbosity)
        if reload and batch:
            db_worker.logger.warning(
                "Warning: --reload and --batch cannot be specified together. Disabling autoreload."
            )
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
            max_backoff=max_backoff,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
