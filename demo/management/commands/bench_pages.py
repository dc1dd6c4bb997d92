import json
import random
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client, override_settings

from accounts.models import User
from core.pagination import SEPARATOR
from demo.benchmark import measure, table
from orders.models import Customer
from returns.models import Return, ReturnLine, Status


class Command(BaseCommand):
    help = (
        "Time the main pages (p50/p95/p99, SQL queries per request) on the current database, "
        "next to Django's admin for the same returns and a trivial view. Meant for a large shop "
        "(seed_demo --orders 400000 --returns 1000000) on PostgreSQL; see `make bench`."
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
        if total < 50:
            raise CommandError(
                "Too few returns to measure; load a shop first (seed_demo --returns N)."
            )
        n = options["requests"]
        rng = random.Random(options["seed"])
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            rows = self.run_all(n, rng)
        admin = next(row for row in rows if row.name == "django admin changelist")
        self.stdout.write(
            f"\n{total:,} returns on {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}\n"
        )
        self.stdout.write(table(rows, admin.p50_ms))
        unexpected = [row for row in rows if set(row.statuses) - {200, 302}]
        for row in unexpected:
            self.stderr.write(f"{row.name}: unexpected status codes {row.statuses}")
        path = Path(options["json"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps({"returns": total, "pages": [r.as_dict() for r in rows]}, indent=2)
        )
        self.stdout.write(f"\nFigures written to {path}")
        if unexpected:
            raise CommandError("Some requests did not answer 200/302.")

    def run_all(self, n, rng):
        staff = User.objects.get(email="staff@example.com")
        superuser, _ = User.objects.get_or_create(
            email="bench-admin@example.com",
            defaults={"is_staff": True, "is_superuser": True, "full_name": "Benchmark"},
        )
        sample = self.sample_returns(n, rng)
        customers = list(
            Customer.objects.filter(pk__in={r.customer_id for r in sample}).select_related("user")
        )
        reason_id = (
            Return.objects.filter(pk__in=[r.pk for r in sample])
            .exclude(reason=None)
            .values_list("reason_id", flat=True)
            .first()
        )
        oldest = Return.objects.order_by("created_at", "pk")[min(1000, Return.objects.count() - 1)]
        late_cursor = f"{oldest.created_at.isoformat()}{SEPARATOR}{oldest.pk}"

        backoffice = self.client_for(staff)
        admin = self.client_for(superuser)

        def get(paths):
            return [("get", path, None) for path in paths]

        def pick(items):
            return [rng.choice(items) for _ in range(n)]

        rows = [
            measure("returns list", backoffice, get(["/backoffice/returns/"] * n)),
            measure(
                "returns list, one status tab",
                backoffice,
                get([f"/backoffice/returns/?status={s}" for s in pick(Status.values)]),
            ),
            measure(
                "returns list, customer e-mail",
                backoffice,
                get([f"/backoffice/returns/?q={c.user.email}" for c in pick(customers)]),
            ),
            measure(
                "returns list, return number",
                backoffice,
                get([f"/backoffice/returns/?q={r.number}" for r in pick(sample)]),
            ),
            measure(
                "returns list, reason filter",
                backoffice,
                get([f"/backoffice/returns/?reason={reason_id}"] * n),
            ),
            measure(
                "returns list, late page",
                backoffice,
                get([f"/backoffice/returns/?after={late_cursor}"] * n),
            ),
            measure(
                "return page",
                backoffice,
                get([f"/backoffice/returns/{r.pk}/" for r in pick(sample)]),
            ),
            measure("save: approve, restock, e-mail", backoffice, self.saves(n, rng), warmup=0),
            measure(
                "order page",
                backoffice,
                get([f"/backoffice/orders/{r.order.number}/" for r in pick(sample)]),
            ),
        ]
        for customer in customers[:1]:
            shopper = self.client_for(customer.user)
            rows.append(measure("customer's My returns", shopper, get(["/account/returns/"] * n)))
        rows += [
            measure(
                "django admin changelist",
                admin,
                get(["/django-admin/returns/return/"] * max(20, n // 10)),
            ),
            measure(
                "django admin changelist, filtered",
                admin,
                get(["/django-admin/returns/return/?status__exact=approved"] * max(20, n // 10)),
            ),
            measure("trivial view (same middleware)", backoffice, get(["/healthz"] * n)),
        ]
        return rows

    def client_for(self, user):
        client = Client(HTTP_HOST="testserver", secure=True)
        client.force_login(user)
        return client

    def sample_returns(self, n, rng):
        """About n returns spread over the whole table (random keys, no ORDER BY random())."""
        low = Return.objects.order_by("pk").values_list("pk", flat=True).first()
        high = Return.objects.order_by("-pk").values_list("pk", flat=True).first()
        keys = {rng.randint(low, high) for _ in range(n * 2)}
        sample = list(Return.objects.filter(pk__in=keys).select_related("order")[:n])
        return sample or list(Return.objects.select_related("order")[:n])

    def saves(self, n, rng):
        """POSTs of the return page's form: New → Return approved with Update stock and
        Notify customer, on returns nobody else saves (each once), so each one really
        restocks, writes history and queues an e-mail."""
        start = rng.randint(0, max(0, Return.objects.filter(status=Status.NEW).count() - n - 10))
        candidates = list(
            Return.objects.filter(status=Status.NEW, update_stock=True).order_by("pk")[
                start : start + n + 10
            ]
        )
        lines = {}
        for line in ReturnLine.objects.filter(rma__in=candidates):
            lines.setdefault(line.rma_id, []).append(line)
        requests = []
        for rma in candidates[: n + 5]:
            data = {
                "version": rma.version,
                "status": Status.APPROVED,
                "update_stock": "on",
                "notify_customer": "on",
                "customer_comment": rma.customer_comment,
            }
            if rma.reason_id:
                data["reason"] = rma.reason_id
            else:
                data["reason_text"] = rma.reason_text or "Does not fit"
            if rma.action_id:
                data["action"] = rma.action_id
            for line in lines.get(rma.pk, []):
                data[f"line_{line.pk}"] = line.quantity
            requests.append(("post", f"/backoffice/returns/{rma.pk}/", data))
        return requests
