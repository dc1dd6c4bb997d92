"""manage.py import_orders FILE.csv [--dry-run]: the order import of Settings > Import
orders from a shell (orders.importing has the format and the guarantees)."""

import resource
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.locks import cluster_lock
from orders import importing


class Command(BaseCommand):
    help = (
        "Import orders from a CSV file (one row per order line; see README, Importing "
        "orders). The file is checked first: with any invalid row nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and count what would be created or updated; write nothing.",
        )
        parser.add_argument("--batch-size", type=int, default=importing.BATCH_SIZE)

    def handle(self, *args, file: Path, dry_run: bool, batch_size: int, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        # One import at a time, here as in the browser (see importing.import_job_work).
        with cluster_lock(importing.IMPORT_LOCK) as held:
            if not held:
                raise CommandError("Another order import is running; try again when it ends.")
            self._import(file, dry_run=dry_run, batch_size=batch_size)

    def _import(self, file: Path, *, dry_run: bool, batch_size: int):
        started = time.monotonic()

        def open_file():
            return file.open("rb")

        # A bar on a terminal; silent in CI logs (tqdm disables itself when not a TTY).
        with tqdm(desc="Checking", unit=" lines", disable=None, leave=False) as bar:
            lines, errors = importing.check_file(open_file, progress=bar.update)
        if errors:
            self._errors(errors)
            raise CommandError(f"{errors.count} problem(s); nothing was imported.")
        with tqdm(
            total=lines, desc="Previewing" if dry_run else "Importing", unit=" lines", disable=None
        ) as bar:
            outcome = importing.run_file(
                open_file,
                errors=errors,
                dry_run=dry_run,
                progress=bar.update,
                batch_size=batch_size,
            )
        counts = outcome.counts()
        verb = "would be" if dry_run else "were"
        for kind in ("orders", "customers", "variants"):
            states = counts[kind]
            self.stdout.write(
                f"{kind}: {states['created']} {verb} created, {states['updated']} "
                f"{verb} updated, {states['unchanged']} unchanged"
            )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        self.stdout.write(
            f"{outcome.lines} lines in {time.monotonic() - started:.1f} s, "
            f"peak memory {peak} MB" + (" (dry run: nothing was written)" if dry_run else "")
        )
        if errors:
            self._errors(errors)
            raise CommandError(f"{errors.count} order(s) refused; the others were imported.")

    def _errors(self, errors):
        for line, message in errors.items:
            self.stderr.write(f"line {line}: {message}" if line else message)
        if errors.count > len(errors.items):
            self.stderr.write(f"… and {errors.count - len(errors.items)} more")
