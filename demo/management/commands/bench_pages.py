import json
import random
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client, override_settings

from accounts.models import User
from demo.benchmark import (
    bench_plan,
    read_lines,
    run_interleaved,
    table,
    timed,
    verdict_lines,
    verdicts,
)
from returns.models import Return


class Command(BaseCommand):
    help = (
        "Time the main pages in this process (p50/p95/p99, SQL queries per request), "
        "interleaved with Django's plain admin changelist of the same returns, and print the "
        "ratios. Meant for a large shop (seed_demo --orders 400000 --returns 1000000) on "
        "PostgreSQL; see `make bench`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200, help="requests per page")
        parser.add_argument(
            "--json", default="bench-results/pages.json", help="where to write the figures"
        )
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: figures will be slower than in production.")
        total = Return.objects.count()
        if total < 100:
            raise CommandError(
                "Too few returns to measure; load a shop first (seed_demo --returns N)."
            )
        rng = random.Random(options["seed"])
        with override_settings(
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
            ROOT_URLCONF="returns_backoffice.bench_admin",
        ):
            pages = bench_plan(options["requests"], rng)
            clients = clients_by_role()

            def send(page, request):
                method, path, data = request
                client = clients[page.role]

                def call():
                    response = getattr(client, method)(path, data or {})
                    if page.first_lines and response.streaming:
                        read_lines(response.streaming_content, page.first_lines)
                        # Stop the download (its query too), keeping the connection, as the
                        # test client does at the end of a stream.
                        request_finished.disconnect(close_old_connections)
                        try:
                            response.close()
                        finally:
                            request_finished.connect(close_old_connections)
                    return response

                response, ms, queries = timed(call)
                return response.status_code, ms, queries

            rows = run_interleaved(pages, send)
        vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(f"\n{total:,} returns on {vendor}, in-process\n")
        self.stdout.write(table(rows))
        results = verdicts(rows, pages)
        self.stdout.write("\nTargets (issue 20), in-process:\n" + verdict_lines(results))
        unexpected = [row for row in rows if set(row.statuses) - {200, 302}]
        for row in unexpected:
            self.stderr.write(f"{row.name}: unexpected status codes {row.statuses}")
        path = Path(options["json"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(
                {
                    "returns": total,
                    "pages": [r.as_dict() for r in rows],
                    "targets": [list(t) for t in results],
                },
                indent=2,
            )
        )
        self.stdout.write(f"\nFigures written to {path}")
        if unexpected:
            raise CommandError("Some requests did not answer 200/302.")


def bench_users():
    """The demo's staff member, a superuser for the admin, a customer with returns."""
    staff = User.objects.get(email="staff@example.com")
    superuser, _ = User.objects.get_or_create(
        email="bench-admin@example.com",
        defaults={"is_staff": True, "is_superuser": True, "full_name": "Benchmark"},
    )
    customer = User.objects.filter(customer__returns__isnull=False).order_by("pk").first()
    return {"staff": staff, "admin": superuser, "customer": customer}


def clients_by_role():
    clients = {}
    for role, user in bench_users().items():
        client = Client(HTTP_HOST="testserver", secure=True)
        client.force_login(user)
        clients[role] = client
    return clients
