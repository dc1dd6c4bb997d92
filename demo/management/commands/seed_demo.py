import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import builders
from demo.catalog import DEMO_LOGINS
from orders.models import Customer
from returns.services import tallies_rebuild


class Command(BaseCommand):
    help = (
        "Load the demo shop (idempotent): products, customers, shipped orders, returns in every "
        "status, and the demo logins. Size options grow it into a large shop for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=0, help="generated products")
        parser.add_argument(
            "--customers", type=int, default=40, help="at least this many generated customers"
        )
        parser.add_argument(
            "--orders", type=int, default=150, help="at least this many orders in all"
        )
        parser.add_argument(
            "--returns", type=int, default=80, help="at least this many returns in all"
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed")

    def step(self, name, function, *args):
        """Run one step and say how long it took (the large shop's budget is minutes)."""
        started = time.monotonic()
        result = function(*args)
        self.stdout.write(f"  {name}: {time.monotonic() - started:.1f}s")
        return result

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates logins with known passwords, so it only runs with DEBUG on."
            )
        rng = random.Random(options["seed"])
        started = time.monotonic()
        users = self.step("logins", builders.ensure_logins)
        variants = self.step("catalog", builders.ensure_catalog, rng)
        if options["products"]:
            variants = self.step(
                "products", builders.ensure_extra_products, options["products"], rng
            )
        customer = Customer.objects.get(user=users["Customer"])
        self.step("demo orders", builders.ensure_demo_orders, customer, variants, rng)
        self.step("customers", builders.ensure_customers, options["customers"], rng)
        self.step("orders", builders.ensure_orders, options["orders"], variants, rng)
        self.step("return reasons and actions", builders.ensure_return_catalog)
        self.step("return address", builders.ensure_return_settings)
        self.step("invoice details", builders.ensure_billing_settings)
        self.step("demo returns", builders.ensure_demo_returns, users, rng)
        if options["returns"]:
            self.step("returns", builders.ensure_returns, options["returns"], rng)
        self.step("a refused e-mail", builders.ensure_failed_email)
        # Orders and returns above are partly written in bulk (COPY), past the services
        # that keep the dashboard's tallies: count them once, set-based.
        self.step("dashboard tallies", tallies_rebuild)
        self.stdout.write(f"  in all: {time.monotonic() - started:.1f}s")
        self.print_logins()

    def print_logins(self):
        self.stdout.write(self.style.SUCCESS("\nDemo shop ready. Logins:"))
        for role, email, password, _name in DEMO_LOGINS:
            self.stdout.write(f"  {role:<9} {email:<24} password: {password}")
        self.stdout.write("")
