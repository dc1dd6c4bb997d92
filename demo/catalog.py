"""The demo shop's fixed content: a small clothing shop, so that the seed article's
example ("send a larger T-shirt") makes sense."""

from decimal import Decimal

DEMO_LOGINS = [
    # role, e-mail, password, name
    ("Admin", "admin@example.com", "admin", "Anna Admin"),
    ("Staff", "staff@example.com", "staff", "Sven Staff"),
    ("Customer", "customer@example.com", "customer", "Charlie Customer"),
]

PRODUCTS = [
    # name, price, variants (title, sku suffix)
    ("Organic cotton T-shirt", "24.95", ["S", "M", "L", "XL"]),
    ("Merino wool jumper", "89.00", ["S", "M", "L"]),
    ("Slim-fit jeans", "69.95", ["30/32", "32/32", "34/32", "36/34"]),
    ("Rain jacket", "129.00", ["S", "M", "L", "XL"]),
    ("Linen shirt", "59.50", ["S", "M", "L"]),
    ("Canvas sneakers", "74.95", ["40", "41", "42", "43", "44"]),
    ("Leather belt", "39.95", ["85 cm", "95 cm", "105 cm"]),
    ("Wool beanie", "19.95", ["One size"]),
    ("Hiking socks (3 pairs)", "17.50", ["36-40", "41-46"]),
    ("Chino shorts", "44.95", ["S", "M", "L"]),
    ("Hooded sweatshirt", "64.00", ["S", "M", "L", "XL"]),
    ("Waterproof backpack", "99.00", ["20 L", "30 L"]),
]

FIRST_NAMES = [
    "Emma",
    "Daan",
    "Sophie",
    "Lucas",
    "Julia",
    "Sem",
    "Tess",
    "Finn",
    "Mila",
    "Levi",
    "Noor",
    "Milan",
    "Saar",
    "Bram",
    "Liv",
    "Jesse",
    "Eva",
    "Thijs",
    "Anna",
    "Ruben",
    "Olivia",
    "Noah",
    "Amelia",
    "Oliver",
    "Isla",
    "George",
    "Ava",
    "Harry",
    "Mia",
    "Jack",
]
LAST_NAMES = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Evans",
    "Thomas",
    "Roberts",
]


def price(value: str) -> Decimal:
    return Decimal(value)


REASONS = [
    # name, visible to customers
    ("Too small", True),
    ("Too large", True),
    ("Damaged on arrival", True),
    ("Not as described", True),
    ("Wrong item delivered", True),
    ("Changed my mind", True),
    ("Defect after use (warranty)", True),
    ("Suspected misuse", False),
]

ACTIONS = [
    ("Send a larger size", True),
    ("Send a smaller size", True),
    ("Refund", True),
    ("Repair", True),
    ("Exchange for another product", True),
    ("Inspect before deciding", False),
]

NOTES = [
    "Customer called; parcel is on its way.",
    "Parcel received, packaging intact.",
    "Checked the item: as new, can be sold again.",
    "Seam torn; not caused by the customer. Sent to repair.",
    "Packaging torn and item worn: does not meet our return conditions.",
    "Refund done via the payment provider.",
]

# The paths demo returns take through the workflow (every status is reached).
PATHS = [
    [],
    ["in_progress"],
    ["in_progress", "approved"],
    ["approved", "repaired"],
    ["in_progress", "approved", "credited"],
    ["in_progress", "rejected"],
    ["cancelled"],
    ["approved", "repaired", "credited"],
]
