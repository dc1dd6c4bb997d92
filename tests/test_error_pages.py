"""400, 403, 404, 500 and the CSRF failure: a page of the side the address belongs to, in
the visitor's language, saying what happened and offering the way back. The 500 page
renders without the database."""

import re

import pytest
from django.db import OperationalError, connections
from django.test import Client

from tests.security.html import csp_problems

pytestmark = pytest.mark.urls("tests.error_urls")

BACKOFFICE_MENU = 'aria-label="Main menu"'
SHOP_HEADER = 'class="shop-header"'
LOGIN_CARD = "login-card error-card"


def links(html: str) -> dict[str, str]:
    """href -> link text, for the links of the error message."""
    section = html[html.index('class="error-page"') :]
    return {
        href: " ".join(re.sub(r"<[^>]+>", " ", text).split())
        for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', section, re.S)
    }


def check_page(response, *, status, title, layout, back):
    assert response.status_code == status
    html = response.text
    assert f">{title}</h1>" in html, html
    assert layout in html
    assert set(back) <= set(links(html)), links(html)
    assert csp_problems(html) == []


# --- 404 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "layout", "back"),
    [
        ("/nowhere/", SHOP_HEADER, ["/"]),
        ("/account/nowhere/", SHOP_HEADER, ["/account/login/", "/"]),
        ("/backoffice/nowhere/", LOGIN_CARD, ["/backoffice/login/", "/"]),
    ],
)
def test_not_found_for_a_visitor_is_a_page_of_its_side(client, db, path, layout, back):
    check_page(client.get(path), status=404, title="Page not found", layout=layout, back=back)


def test_not_found_in_the_backoffice_keeps_the_menu_for_staff(staff_client):
    check_page(
        staff_client.get("/backoffice/nowhere/"),
        status=404,
        title="Page not found",
        layout=BACKOFFICE_MENU,
        back=["/backoffice/"],
    )


def test_not_found_on_the_account_side_keeps_the_customers_menu(customer_client):
    response = customer_client.get("/account/returns/999999/")
    check_page(response, status=404, title="Page not found", layout=SHOP_HEADER, back=["/account/"])
    assert "My returns" in response.text  # the account menu


def test_not_found_in_dutch(client, db):
    response = client.get("/backoffice/nowhere/", headers={"accept-language": "nl"})
    check_page(
        response,
        status=404,
        title="Pagina niet gevonden",
        layout=LOGIN_CARD,
        back=["/backoffice/login/"],
    )
    assert '<html lang="nl">' in response.text
    assert links(response.text)["/backoffice/login/"] == "Log in op de backoffice"


# --- 403 ---------------------------------------------------------------------------------


def test_staff_refused_a_settings_page_stay_in_the_backoffice(staff_client):
    check_page(
        staff_client.get("/backoffice/settings/"),
        status=403,
        title="You may not open this page",
        layout=BACKOFFICE_MENU,
        back=["/backoffice/"],
    )


def test_a_customer_refused_the_backoffice_is_sent_back_to_their_account(customer_client):
    response = customer_client.get("/backoffice/")
    check_page(
        response,
        status=403,
        title="You may not open this page",
        layout=LOGIN_CARD,
        back=["/account/", "/"],
    )
    assert BACKOFFICE_MENU not in response.text


def test_staff_refused_the_account_pages_are_sent_to_the_backoffice(staff_client):
    response = staff_client.get("/account/", headers={"accept-language": "nl"})
    check_page(
        response,
        status=403,
        title="U mag deze pagina niet openen",
        layout=SHOP_HEADER,
        back=["/backoffice/"],
    )


# --- 400 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "layout"),
    [("/backoffice/", BACKOFFICE_MENU), ("/account/", SHOP_HEADER), ("/", SHOP_HEADER)],
)
def test_bad_request_is_a_page_of_its_side(staff_client, prefix, layout):
    check_page(
        staff_client.get(f"{prefix}test-errors/bad-request/"),
        status=400,
        title="The request could not be read",
        layout=layout,
        back=["/"],
    )


# --- 500 ---------------------------------------------------------------------------------


@pytest.fixture
def failing_client(db):
    """A client that gets the 500 page instead of the exception."""
    return Client(raise_request_exception=False)


@pytest.fixture
def cut_the_database(db):
    """cut_the_database(): from then on, every query fails as it does when the database
    server is away. (Undone before the test database is rolled back.)"""
    cut_off = []

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused: is the server running?")

    def cut():
        for connection in connections.all():
            connection.ensure_connection = refuse
            cut_off.append(connection)

    yield cut
    for connection in cut_off:
        del connection.ensure_connection


@pytest.fixture
def database_unavailable(cut_the_database):
    cut_the_database()


@pytest.mark.parametrize(
    ("prefix", "layout", "back"),
    [
        ("/backoffice/", LOGIN_CARD, ["/backoffice/"]),
        ("/account/", SHOP_HEADER, ["/account/", "/"]),
        ("/", SHOP_HEADER, ["/"]),
    ],
)
def test_server_error_renders_without_the_database(
    failing_client, database_unavailable, prefix, layout, back
):
    url = f"{prefix}test-errors/database-down/"
    response = failing_client.get(url, headers={"accept-language": "nl"})
    check_page(
        response,
        status=500,
        title="Er ging bij ons iets mis",
        layout=layout,
        back=[url, *back],
    )
    assert links(response.text)[url] == "Opnieuw proberen"


def test_server_error_reads_nothing_from_the_database(
    failing_client, django_assert_num_queries, customer
):
    failing_client.force_login(customer.user)
    with django_assert_num_queries(0):
        response = failing_client.get("/account/test-errors/server-error/")
    check_page(
        response,
        status=500,
        title="Something went wrong on our side",
        layout=SHOP_HEADER,
        back=["/account/"],
    )


def test_a_missing_page_when_the_database_is_down_still_gets_a_page(
    failing_client, staff, cut_the_database
):
    # Who the visitor is cannot be read (their session is in the database): the page the
    # 500 uses, with the 404's words.
    failing_client.force_login(staff)
    cut_the_database()
    response = failing_client.get("/backoffice/nowhere/")
    check_page(
        response, status=404, title="Page not found", layout=LOGIN_CARD, back=["/backoffice/"]
    )


# --- CSRF --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "layout"),
    [("/account/login/", SHOP_HEADER), ("/backoffice/login/", LOGIN_CARD)],
)
def test_a_form_sent_without_its_csrf_token_gets_a_page_that_says_what_to_do(db, path, layout):
    client = Client(enforce_csrf_checks=True)
    response = client.post(path, {"username": "a@example.org", "password": "x"})
    check_page(response, status=403, title="The form could not be sent", layout=layout, back=["/"])
    assert "reload the page" in response.text


def test_server_error_still_answers_when_its_own_page_cannot_be_rendered(
    failing_client, monkeypatch
):
    # A static file missing from the manifest (collectstatic not run) breaks every page's
    # {% static %}, the error page's too: a plain page still says what happened.
    def broken(*args, **kwargs):
        raise ValueError("Missing staticfiles manifest entry for 'css/app.css'")

    monkeypatch.setattr("returns_backoffice.errors.loader.render_to_string", broken)
    response = failing_client.get("/backoffice/test-errors/server-error/")
    assert response.status_code == 500
    assert ">Something went wrong on our side</h1>" in response.text
    assert 'href="/backoffice/"' in response.text
    assert csp_problems(response.text) == []


# --- German and French -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title", "back"),
    [
        ("de", "Seite nicht gefunden", "Im Backoffice anmelden"),
        ("fr", "Page introuvable", "Se connecter au back-office"),
    ],
)
def test_not_found_in_german_and_french(client, db, language, title, back):
    response = client.get("/backoffice/nowhere/", headers={"accept-language": language})
    check_page(response, status=404, title=title, layout=LOGIN_CARD, back=["/backoffice/login/"])
    assert f'<html lang="{language}">' in response.text
    assert links(response.text)["/backoffice/login/"] == back


@pytest.mark.parametrize(
    ("language", "title", "again"),
    [
        ("de", "Bei uns ist etwas schiefgelaufen", "Erneut versuchen"),
        ("fr", "Un problème est survenu de notre côté", "Réessayer"),
    ],
)
def test_server_error_in_german_and_french_without_the_database(
    failing_client, database_unavailable, language, title, again
):
    url = "/account/test-errors/database-down/"
    response = failing_client.get(url, headers={"accept-language": language})
    check_page(response, status=500, title=title, layout=SHOP_HEADER, back=[url, "/account/", "/"])
    assert links(response.text)[url] == again


@pytest.mark.parametrize(
    ("language", "title", "says"),
    [
        ("de", "Das Formular konnte nicht gesendet werden", "laden Sie die Seite neu"),
        ("fr", "Le formulaire n&#x27;a pas pu être envoyé", "rechargez la page"),
    ],
)
def test_a_refused_form_in_german_and_french(db, language, title, says):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/account/login/",
        {"username": "a@example.org", "password": "x"},
        headers={"accept-language": language},
    )
    check_page(response, status=403, title=title, layout=SHOP_HEADER, back=["/"])
    assert says in response.text
