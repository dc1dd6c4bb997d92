"""The shop in German and in French, as a person meets it: a customer chooses their
language with the language switch, requests a return, staff (who chose the same language
on the login page) approve it, and the e-mails reach the customer in their language. No
English word from a list of the UI's English words is left on any page walked, and axe
finds nothing serious on them."""

import re

import pytest
from playwright.sync_api import expect

from inventory.models import Product
from orders.models import OrderLine
from returns.models import CatalogEntry
from tests.mail import run_worker

from .helpers import assert_accessible, cell, fatal_violations, history_entry, log_in, screenshot
from .shop import PASSWORD, add_showcase
from .test_accessibility import PAGES, _give_the_customer_returns

pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

# Words of the English UI (menus, buttons, labels, statuses, messages). None of them is
# also a German or French word, so finding one means a string was left untranslated.
ENGLISH_WORDS = [
    "Orders",
    "Order",
    "Returns",
    "Return",
    "Products",
    "Settings",
    "Save",
    "saved",
    "Create",
    "Request",
    "requested",
    "Log in",
    "Log out",
    "Customer",
    "Quantity",
    "Reason",
    "Update stock",
    "Notify",
    "Staff",
    "History",
    "New",
    "In progress",
    "approved",
    "Rejected",
    "Cancelled",
    "Search",
    "Sort",
    "Newest",
    "Next",
    "Previous",
    "Items",
    "Back",
    "Welcome",
    "Password",
    "Language",
    "Skip",
    "Thank you",
    "changed",
    "Hello",
    "the",
    "and",
    "your",
    "you",
    "of",
    "with",
    "from",
]

WORDS = {
    "de": {
        "language": "Deutsch",
        "customer": "Kim Weber",
        "staff": "Sam Schmidt",
        "product": "Leinenhemd",
        "reasons": {"Too small": "Zu klein", "Too large": "Zu groß", "Defective": "Defekt"},
        "email": "E-Mail",
        "password": "Passwort",
        "log_in": "Anmelden",
        "account_menu": "Kontomenü",
        "main_menu": "Hauptmenü",
        "my_orders": "Meine Bestellungen",
        "my_returns": "Meine Retouren",
        "request_return": "Retoure anmelden",
        "reason": "Retourengrund",
        "comment": "Kommentar",
        "comment_text": "Die Ärmel sind mir zu kurz.",
        "thanks": "Vielen Dank. Wir haben Ihre Retourenanfrage",
        "new": "Neu",
        "you_requested": "Sie haben diese Retoure angefordert",
        "returns": "Retouren",
        "origin": "Herkunft",
        "customer_origin": "Kunde",
        "status": "Status",
        "in_progress": "In Bearbeitung",
        "approved": "Retoure genehmigt",
        "update_stock": "Lagerbestand aktualisieren",
        "notify": "Kunden benachrichtigen",
        "save": "Speichern",
        "saved": "Retoure {number} gespeichert.",
        "return": "Retoure {number}",
        "confirmation": "Wir haben Ihre Retourenanfrage {number} erhalten",
        "status_email": "Ihre Retoure {number}: Retoure genehmigt",
        "greeting": "Hallo",
        "changed": "Status von In Bearbeitung in Retoure genehmigt geändert",
    },
    "fr": {
        "language": "Français",
        "customer": "Camille Martin",
        "staff": "Sam Durand",
        "product": "Chemise en lin",
        "reasons": {
            "Too small": "Trop petit",
            "Too large": "Trop grand",
            "Defective": "Défectueux",
        },
        "email": "E-mail",
        "password": "Mot de passe",
        "log_in": "Se connecter",
        "account_menu": "Menu du compte",
        "main_menu": "Menu principal",
        "my_orders": "Mes commandes",
        "my_returns": "Mes retours",
        "request_return": "Demander un retour",
        "reason": "Motif du retour",
        "comment": "Commentaire",
        "comment_text": "Les manches sont trop courtes pour moi.",
        "thanks": "Merci. Nous avons bien reçu votre demande de retour",
        "new": "Nouveau",
        "you_requested": "Vous avez demandé ce retour",
        "returns": "Retours",
        "origin": "Origine",
        "customer_origin": "Client",
        "status": "Statut",
        "in_progress": "En cours de traitement",
        "approved": "Retour accepté",
        "update_stock": "Mettre à jour le stock",
        "notify": "Informer le client",
        "save": "Enregistrer",
        "saved": "Retour {number} enregistré.",
        "return": "Retour {number}",
        "confirmation": "Nous avons bien reçu votre demande de retour {number}",
        "status_email": "Votre retour {number} : Retour accepté",
        "greeting": "Bonjour",
        "changed": "Statut modifié de En cours de traitement en Retour accepté",
    },
}

SHOP_EMAIL = "returns@shop.example"

# Everything a person reads or a screen reader says: the text, the title, the labels
# given as attributes and the options of every list.
_READABLE_TEXT = """() => {
  const parts = [document.title, document.body.innerText];
  for (const element of document.querySelectorAll("[aria-label], [title], [placeholder], [alt]")) {
    for (const name of ["aria-label", "title", "placeholder", "alt"]) {
      const value = element.getAttribute(name);
      if (value) parts.push(value);
    }
  }
  for (const option of document.querySelectorAll("option")) parts.push(option.textContent);
  return parts.join("\\n");
}"""


def english_left(page) -> list[str]:
    """Each English word found, with the line it is in."""
    lines = page.evaluate(_READABLE_TEXT).splitlines()
    return [
        f"{word!r} in {line.strip()!r}"
        for word in ENGLISH_WORDS
        for line in lines
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", line)
    ]


def check_page(page, name: str) -> None:
    """No English word of the UI, and nothing serious for axe."""
    page.wait_for_load_state()
    assert english_left(page) == [], f"English on {name} ({page.url})"
    assert_accessible(page, name)
    screenshot(page, name)


def speak(shop, language: str, words: dict) -> None:
    """The shop's data as a shop in that country has it: its people's names, its product,
    and catalog entries named in the language (the catalog's names per language)."""
    shop.customer.name = words["customer"]
    shop.customer.save(update_fields=["name"])
    shop.customer.user.full_name = words["customer"]
    shop.customer.user.save(update_fields=["full_name"])
    shop.staff.full_name = words["staff"]
    shop.staff.save(update_fields=["full_name"])
    Product.objects.filter(name="Linen shirt").update(name=words["product"])
    OrderLine.objects.filter(pk=shop.shirt.pk).update(title=f"{words['product']} — M")
    for entry in CatalogEntry.objects.all():
        name = words["reasons"].get(entry.name)
        entry.names = {language: name or f"{entry.name} ({language})"}
        entry.save(update_fields=["names"])


def plain_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize("language", ["de", "fr"])
def test_a_return_in_the_customers_language_from_request_to_email(
    new_context, shop, smtp_server, settings, live_server, language
):
    # Read in the live server's thread when the e-mails are queued (as in
    # test_customer_journeys): the shop's mailbox is read in the language of its staff.
    settings.SHOP_EMAIL = SHOP_EMAIL
    settings.SHOP_EMAIL_LANGUAGE = language
    settings.SITE_URL = live_server.url
    words = WORDS[language]
    speak(shop, language, words)
    customer, staff = new_context().new_page(), new_context().new_page()
    email = shop.customer.user.email

    # The customer reads the login page in their language, logs in by its words and lands
    # in their account's language (English, as the shop knew it), chooses theirs there,
    # and the shop keeps it: from now on it writes to them in it.
    customer.goto("/account/login/")
    customer.get_by_role("button", name=words["language"]).click()
    expect(customer.locator("html")).to_have_attribute("lang", language)
    check_page(customer, f"account-login-{language}")
    customer.get_by_label(words["email"]).fill(email)
    customer.get_by_label(words["password"]).fill(PASSWORD)
    customer.get_by_role("button", name=words["log_in"]).click()
    expect(customer.get_by_role("heading", level=1)).to_have_text("My orders")
    customer.get_by_role("button", name=words["language"]).click()
    expect(customer.get_by_role("heading", level=1)).to_have_text(words["my_orders"])
    expect(customer.get_by_role("button", name=words["language"])).to_have_attribute(
        "aria-pressed", "true"
    )
    # All four languages are offered, each in its own words.
    for name in ("English", "Nederlands", "Deutsch", "Français"):
        expect(customer.get_by_role("button", name=name)).to_be_visible()
    check_page(customer, f"my-orders-{language}")

    customer.get_by_role("table").get_by_role("row").filter(has_text=shop.order.number).get_by_role(
        "link", name=words["request_return"]
    ).click()
    expect(customer.get_by_role("heading", level=1)).to_have_text(words["request_return"])
    customer.get_by_label(f"{words['product']} — M (LIN-M)").fill("2")
    customer.get_by_label(words["reason"]).select_option(label=words["reasons"]["Too small"])
    check_page(customer, f"request-return-{language}")
    customer.get_by_label(words["comment"], exact=True).fill(words["comment_text"])
    customer.get_by_role("button", name=words["request_return"]).click()
    expect(customer.get_by_role("status")).to_contain_text(words["thanks"])
    heading = customer.get_by_role("heading", level=1)
    expect(heading).to_contain_text(words["new"])
    number = re.search(r"RET-\d+", heading.text_content()).group()
    expect(history_entry(customer, words["you_requested"])).to_be_visible()
    check_page(customer, f"customer-return-requested-{language}")

    # Staff choose the language on the login page and work in it.
    staff.goto("/backoffice/login/")
    staff.get_by_role("button", name=words["language"]).click()
    staff.get_by_label(words["email"]).fill(shop.staff.email)
    staff.get_by_label(words["password"]).fill(PASSWORD)
    staff.get_by_role("button", name=words["log_in"]).click()
    menu = staff.get_by_role("navigation", name=words["main_menu"])
    menu.get_by_role("link", name=words["returns"], exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(words["returns"])
    returns = staff.get_by_role("table")
    expect(cell(returns, row=number, column=words["reason"])).to_have_text(
        words["reasons"]["Too small"]
    )
    expect(cell(returns, row=number, column=words["origin"])).to_have_text(words["customer_origin"])
    check_page(staff, f"returns-list-{language}")
    staff.get_by_role("link", name=number).click()
    check_page(staff, f"return-page-{language}")

    status = staff.get_by_label(words["status"])
    status.select_option(label=words["in_progress"])
    staff.get_by_role("button", name=words["save"]).click()
    expect(staff.get_by_role("status")).to_contain_text(words["saved"].format(number=number))
    status.select_option(label=words["approved"])
    staff.get_by_label(words["update_stock"]).check()
    staff.get_by_label(words["notify"]).check()
    staff.get_by_role("button", name=words["save"]).click()
    expect(staff.get_by_role("status")).to_contain_text(words["saved"].format(number=number))
    expect(staff.get_by_role("heading", level=1)).to_contain_text(words["approved"])
    expect(history_entry(staff, words["changed"])).to_be_visible()

    # The worker delivers: the customer's confirmation and news, in their language.
    run_worker()
    to_customer = [m for m in smtp_server.messages if m["To"] == email]
    # (A subject with a non-ASCII letter is folded after "Subject:"; parsed back it keeps
    # the fold's space in front, which mail programs do not show.)
    subjects = sorted(m["Subject"].strip() for m in to_customer)
    assert subjects == sorted(
        [
            words["confirmation"].format(number=number),
            words["status_email"].format(number=number),
        ]
    )
    news = next(
        m
        for m in to_customer
        if m["Subject"].strip() == words["status_email"].format(number=number)
    )
    body = plain_text(news)
    assert body.startswith(f"{words['greeting']} {words['customer']},")
    assert words["approved"] in body and shop.order.number in body
    assert "{" not in body and "Dear" not in body
    staff.reload()
    check_page(staff, f"return-page-approved-{language}")

    # The customer follows the e-mail's link.
    link = re.search(rf"{re.escape(live_server.url)}/account/returns/\d+/", body).group()
    customer.goto(link)
    expect(customer.get_by_role("heading", level=1)).to_have_text(
        f"{words['return'].format(number=number)} {words['approved']}"
    )
    check_page(customer, f"customer-return-approved-{language}")
    customer.get_by_role("navigation", name=words["account_menu"]).get_by_role(
        "link", name=words["my_returns"], exact=True
    ).click()
    expect(customer.get_by_role("heading", level=1)).to_have_text(words["my_returns"])
    check_page(customer, f"my-returns-{language}")


@pytest.mark.parametrize("language", ["de", "fr"])
@pytest.mark.parametrize("role", PAGES)
def test_every_main_page_in_german_and_french_is_accessible(
    new_context, shop, settings, live_server, role, language
):
    """axe on the pages of test_accessibility, read in German and in French (longer words,
    other labels: a name that no longer matches its label, a button that wraps over another
    background)."""
    page = new_context().new_page()
    if role != "visitor":
        add_showcase(shop)
    if role == "customer":
        _give_the_customer_returns(shop)
        log_in(page, shop.customer.user.email, side="account")
    elif role != "visitor":
        log_in(page, getattr(shop, role).email)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    reports = []
    for name, address, _docs_name in PAGES[role]:
        page.goto(address(shop))
        expect(page.locator("html")).to_have_attribute("lang", language)
        reports.append(fatal_violations(page, f"{name}-{language}"))
    reports = [report for report in reports if report]
    assert not reports, "axe-core found:\n" + "\n".join(reports)
