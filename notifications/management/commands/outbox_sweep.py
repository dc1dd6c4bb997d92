import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from notifications.services import outbox_sweep


class Command(BaseCommand):
    help = (
        "Re-queue outbox e-mails stuck in flight (their worker died) or whose delivery task was "
        "lost. Runs once, or every SECONDS with --loop (e.g. from cron or beside the worker)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="keep running, sweeping every SECONDS",
        )

    def handle(self, *args, loop=None, verbosity=1, **options):
        if loop is None:
            self._sweep(verbosity)
            return
        try:
            while True:
                try:
                    self._sweep(verbosity)
                except DatabaseError as error:
                    # A locked or restarting database: try again next round.
                    self.stderr.write(f"Outbox sweep failed, trying again later: {error}")
                close_old_connections()
                time.sleep(max(loop, 1.0))
        except KeyboardInterrupt:
            pass

    def _sweep(self, verbosity):
        # What it re-queued is logged by the service; say more only when asked to.
        result = outbox_sweep()
        if verbosity > 1:
            self.stdout.write(
                f"Outbox sweep: {result.stuck} stuck, {result.lost} lost deliveries re-queued."
            )
