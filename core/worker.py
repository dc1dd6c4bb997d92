"""django-tasks-db's task worker, kept alive while the database is away.

The library's worker dies on the first database error that is not SQLite's "database is
locked": a PostgreSQL restart, a failover or a killed connection ended it, and the e-mails
queued afterwards waited for a person to notice. This one treats a lost or refused
connection as an outage: it closes the broken connection, waits (1 s, doubling to
`max_backoff`), tries again, and goes on where it was. A task whose result could not be
written because the connection went while it ran has that result written once the
database is back, so it is never left "running".

`manage.py db_worker` (core/management/commands/db_worker.py) runs this worker.
"""

import logging
import time
from collections.abc import Callable
from functools import wraps

from django_tasks_db.management.commands.db_worker import Worker as LibraryWorker

from .db import CONNECTION_ERRORS, MAX_BACKOFF, Backoff, database_reachable, one_line

logger = logging.getLogger(__name__)


class Worker(LibraryWorker):
    """The library's worker plus waiting out database outages (see the module docstring)."""

    def __init__(self, *, max_backoff: float = MAX_BACKOFF, **kwargs):
        super().__init__(**kwargs)
        self.backoff = Backoff(maximum=max_backoff)
        self.outages = 0

    def run(self) -> None:
        while self.running:
            try:
                super().run()
                return
            except CONNECTION_ERRORS as error:
                # Raised between tasks (fetching or claiming the next one): nothing is lost,
                # the claim's transaction rolled back.
                self.wait_for_database(error)
            # Each return to the library's loop logs "Starting worker" and may sleep a
            # random start-up delay; neither is wanted for a reconnect.
            self.startup_delay = False

    def wait_for_database(self, error: BaseException) -> None:
        """Block, with back-off, until every database answers again."""
        self.outages += 1
        first = True
        while self.running:
            delay = self.backoff.next()
            if first:
                logger.warning(
                    "Task worker %s: the database is unavailable (%s). Trying again in %.0f s.",
                    self.worker_id,
                    one_line(error),
                    delay,
                )
                first = False
            else:
                logger.info(
                    "Task worker %s: still no database; next try in %.0f s.", self.worker_id, delay
                )
            time.sleep(delay)
            if database_reachable():
                logger.warning("Task worker %s: the database is back; carrying on.", self.worker_id)
                self.backoff.reset()
                return

    def run_task(self, db_task_result) -> None:
        # Writing the result waits out an outage too; otherwise the row would stay
        # "running" for ever although the task did run.
        for name in ("set_successful", "set_failed"):
            setattr(db_task_result, name, self._until_written(getattr(db_task_result, name)))
        super().run_task(db_task_result)

    def _until_written(self, write: Callable) -> Callable:
        @wraps(write)
        def patient(*args, **kwargs):
            while True:
                try:
                    return write(*args, **kwargs)
                except CONNECTION_ERRORS as error:
                    self.wait_for_database(error)
                    if not self.running:
                        raise

        return patient
