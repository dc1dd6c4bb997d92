import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from core.locks import cluster_lock
from core.sweeps import run_sweepers
from notifications.services import outbox_sweep

# One sweep at a time in the whole cluster: every machine may run `outbox_sweep --loop`.
LOCK = "notifications.outbox_sweep"


class Command(BaseCommand):
    help = (
        "Re-queue outbox e-mails (and the other apps' outbox rows: webhook deliveries) stuck "
        "in flight (their worker died) or whose delivery task was "
        "lost. Runs once, or every SECONDS with --loop (e.g. from cron or beside the worker). "
        "Safe to start on several machines: a PostgreSQL advisory lock lets one sweep at a time."
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
        with cluster_lock(LOCK) as held:
            if not held:
                if verbosity > 1:
                    self.stdout.write("Outbox sweep: another process is sweeping; skipped.")
                return None
            result = outbox_sweep()
            # Other apps' outboxes (webhooks), registered in core.sweeps: same lock.
            others = run_sweepers()
        # What it re-queued is logged by the service; say more only when asked to.
        if verbosity > 1:
            self.stdout.write(
                f"Outbox sweep: {result.stuck} stuck, {result.lost} lost deliveries re-queued."
            )
            for name, other in others.items():
                self.stdout.write(f"{name} sweep: {other}")
