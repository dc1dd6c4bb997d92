#!/usr/bin/env python3
"""Write an order-import CSV file of N lines (default 100,000) for measuring
`manage.py import_orders` (docs/benchmarks.md, "Order import"):

    python bench/order_import_csv.py 100000 > /tmp/orders-100k.csv
    DATABASE_URL=postgres://... python manage.py import_orders /tmp/orders-100k.csv

Orders of 1 to 5 lines, about one customer per 4 orders, 5,000 SKUs; the same N always
gives the same file (a fixed seed), so a second import of it must change nothing.
"""

import csv
import random
import sys
from datetime import datetime, timedelta

COLUMNS = [
    "order_number",
    "placed_at",
    "shipped_at",
    "customer_email",
    "customer_name",
    "customer_language",
    "sku",
    "title",
    "quantity",
    "unit_price",
    "currency",
    "shipped_quantity",
]


def main(lines: int) -> None:
    rng = random.Random(20261129)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(COLUMNS)
    start = datetime(2026, 1, 1, 9, 0)
    customers = max(1, lines // 12)
    written = number = 0
    while written < lines:
        number += 1
        customer = rng.randrange(customers)
        placed = start + timedelta(minutes=7 * number)
        shipped = placed + timedelta(days=1) if rng.random() < 0.8 else None
        skus = rng.sample(range(5000), min(rng.randint(1, 5), lines - written))
        for sku in skus:
            quantity = rng.randint(1, 4)
            out.writerow(
                [
                    f"IMP-{number:07d}",
                    placed.strftime("%Y-%m-%d %H:%M"),
                    shipped.strftime("%Y-%m-%d") if shipped else "",
                    f"customer{customer}@example.com",
                    f"Customer {customer}",
                    ("en", "nl", "de", "fr")[customer % 4],
                    f"BENCH-{sku:05d}",
                    f"Product {sku}",
                    quantity,
                    f"{5 + sku % 95}.{sku % 100:02d}",
                    "EUR",
                    quantity if shipped else 0,
                ]
            )
            written += 1


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
