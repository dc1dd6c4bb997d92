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
    ("Walking guide: the Dutch coast (book)", "22.50", ["Paperback"]),
]
# VAT rates (percent) of the Dutch shop: books at the reduced rate, the rest standard.
STANDARD_VAT_RATE = "21.00"
VAT_RATES = {"Walking guide: the Dutch coast (book)": "9.00"}
PAYMENT_METHODS = ["iDEAL", "iDEAL", "iDEAL", "Card", "PayPal", "Bank transfer", "Gift card"]
# What the shop charges for shipping (free from the threshold on) and for PayPal.
SHIPPING_COST = "4.95"
FREE_SHIPPING_FROM = "50.00"
PAYMENT_COSTS = {"PayPal": "0.35"}

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


# The catalog of return reasons and actions, named in every language the shop may speak
# (ensure_return_catalog keeps those in settings.LANGUAGES): name per language, visible to
# customers.
REASONS = [
    (
        {"en": "Too small", "nl": "Te klein", "de": "Zu klein", "fr": "Trop petit"},
        True,
    ),
    (
        {"en": "Too large", "nl": "Te groot", "de": "Zu groß", "fr": "Trop grand"},
        True,
    ),
    (
        {
            "en": "Damaged on arrival",
            "nl": "Beschadigd aangekomen",
            "de": "Beschädigt angekommen",
            "fr": "Arrivé endommagé",
        },
        True,
    ),
    (
        {
            "en": "Not as described",
            "nl": "Niet zoals beschreven",
            "de": "Nicht wie beschrieben",
            "fr": "Non conforme à la description",
        },
        True,
    ),
    (
        {
            "en": "Wrong item delivered",
            "nl": "Verkeerd artikel geleverd",
            "de": "Falscher Artikel geliefert",
            "fr": "Mauvais article livré",
        },
        True,
    ),
    (
        {
            "en": "Changed my mind",
            "nl": "Ik heb me bedacht",
            "de": "Ich habe es mir anders überlegt",
            "fr": "J'ai changé d'avis",
        },
        True,
    ),
    (
        {
            "en": "Defect after use (warranty)",
            "nl": "Defect na gebruik (garantie)",
            "de": "Defekt nach Gebrauch (Garantie)",
            "fr": "Défaut après utilisation (garantie)",
        },
        True,
    ),
    (
        {
            "en": "Suspected misuse",
            "nl": "Vermoedelijk verkeerd gebruikt",
            "de": "Verdacht auf unsachgemäßen Gebrauch",
            "fr": "Suspicion de mauvaise utilisation",
        },
        False,
    ),
]

ACTIONS = [
    (
        {
            "en": "Send a larger size",
            "nl": "Grotere maat sturen",
            "de": "Eine Nummer größer schicken",
            "fr": "Envoyer la taille au-dessus",
        },
        True,
    ),
    (
        {
            "en": "Send a smaller size",
            "nl": "Kleinere maat sturen",
            "de": "Eine Nummer kleiner schicken",
            "fr": "Envoyer la taille en dessous",
        },
        True,
    ),
    ({"en": "Refund", "nl": "Geld terugstorten", "de": "Geld erstatten", "fr": "Rembourser"}, True),
    ({"en": "Repair", "nl": "Repareren", "de": "Reparieren", "fr": "Réparer"}, True),
    (
        {
            "en": "Exchange for another product",
            "nl": "Ruilen voor een ander product",
            "de": "Gegen ein anderes Produkt umtauschen",
            "fr": "Échanger contre un autre produit",
        },
        True,
    ),
    (
        {
            "en": "Inspect before deciding",
            "nl": "Eerst inspecteren",
            "de": "Vor der Entscheidung prüfen",
            "fr": "Inspecter avant de décider",
        },
        False,
    ),
]

# What a demo return's customer wrote and wished, by its reason (English names): comments
# that fit the reason, actions that make sense for it.
STORIES = {
    "Too small": (
        ["Fits too tight around the shoulders.", "Could you send one size up?", ""],
        ["Send a larger size", "Refund"],
    ),
    "Too large": (
        ["The sleeves are far too long.", "Falls very wide, even in my usual size.", ""],
        ["Send a smaller size", "Refund"],
    ),
    "Damaged on arrival": (
        ["The box was crushed and the item is scratched.", "Arrived with a stain on the front."],
        ["Exchange for another product", "Refund"],
    ),
    "Not as described": (
        [
            "The colour is much darker than on the photos.",
            "The fabric feels thinner than described.",
        ],
        ["Refund", "Exchange for another product"],
    ),
    "Wrong item delivered": (
        ["I ordered blue and received grey.", "Got a different size than I ordered."],
        ["Exchange for another product", "Refund"],
    ),
    "Changed my mind": (["", "Bought a similar one elsewhere."], ["Refund"]),
    "Defect after use (warranty)": (
        ["The zip broke after two weeks.", "A seam came loose after the first wash."],
        ["Repair", "Exchange for another product"],
    ),
}

# Staff notes that fit the status a return reaches.
NOTES = {
    "in_progress": ["Customer called; parcel is on its way.", "Waiting for the parcel."],
    "approved": [
        "Parcel received, packaging intact.",
        "Checked the item: as new, can be sold again.",
    ],
    "repaired": ["Repaired the seam and sent the item back.", "Sent the new size today."],
    "credited": ["Refund done via the payment provider."],
    "rejected": ["Packaging torn and item worn: does not meet our return conditions."],
    "cancelled": ["Customer decided to keep the item after all."],
}

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

# Settings > Account & service of the demo shop: where customers send their parcels.
RETURN_ADDRESS = "Demo Shop Returns\nVoorbeeldstraat 12\n1234 AB Amsterdam\nThe Netherlands"
RETURN_INSTRUCTIONS = {
    "en": (
        "Put the items in their original packaging if you can, add a note with your return "
        "number, and keep your proof of postage until we have handled your return."
    ),
    "nl": (
        "Verpak de artikelen zo mogelijk in de originele verpakking, leg er een briefje bij "
        "met uw retournummer en bewaar uw verzendbewijs tot we uw retour hebben afgehandeld."
    ),
    "de": (
        "Verpacken Sie die Artikel nach Möglichkeit in der Originalverpackung, legen Sie "
        "einen Zettel mit Ihrer Retourennummer bei und bewahren Sie den Einlieferungsbeleg "
        "auf, bis wir Ihre Retoure bearbeitet haben."
    ),
    "fr": (
        "Si possible, remettez les articles dans leur emballage d'origine, joignez un mot "
        "avec votre numéro de retour et conservez votre preuve de dépôt jusqu'au traitement "
        "de votre retour."
    ),
}
