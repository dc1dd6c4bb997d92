import resource
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client, override_settings

from accounts.models import User
from returns.models import Return


def peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux: the process's peak resident memory so far.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = (
        "Download the CSV exports of every return and every order as a staff member, in "
        "this process, and print the rows, bytes, time and the process's peak memory "
        "before and after: a streamed export keeps the peak flat however many rows. "
        "Meant for a large shop (seed_demo --returns N) on PostgreSQL."
    )

    def handle(self, *args, **options):
        total = Return.objects.count()
        if total < 1000:
            raise CommandError("Too few returns to measure; seed_demo --returns N first.")
        staff = User.objects.filter(groups__name="Staff", is_active=True).first()
        if staff is None:
            raise CommandError("No staff login; run seed_demo first.")
        client = Client()
        client.force_login(staff)
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            for path in ("/backoffice/returns/export.csv", "/backoffice/orders/export.csv"):
                before = peak_rss_mib()
                started = time.monotonic()
                response = client.get(path)
                size = lines = 0
                for piece in response.streaming_content:
                    size += len(piece)
                    lines += piece.count(b"\n")
                seconds = time.monotonic() - started
                self.stdout.write(
                    f"{path}: {lines - 1:,} rows, {size / 2**20:.1f} MiB in {seconds:.1f}s; "
                    f"peak RSS {before:.0f} MiB before, {peak_rss_mib():.0f} MiB after"
                )
