import re

import pytest

from orders.models import Customer


def test_front_page_links_to_both_logins(client, db):
    page = client.get("/")
    assert page.status_code == 200
    assert 'href="/account/login/"' in page.text
    assert 'href="/backoffice/"' in page.text


def test_language_switch_shows_dutch_and_remembers_a_customers_choice(customer_client, customer):
    response = customer_client.post(
        "/i18n/setlang/", {"language": "nl", "next": "/account/"}, follow=True
    )
    assert "Mijn bestellingen" in response.text
    assert Customer.objects.get(pk=customer.pk).language == "nl"


def test_language_switch_ignores_unknown_languages(customer_client, customer):
    customer_client.post("/i18n/setlang/", {"language": "xx", "next": "/account/"})
    assert Customer.objects.get(pk=customer.pk).language == "en"


def _links(html: str) -> dict[str, str]:
    """href -> the link's text (tags stripped, spaces collapsed)."""
    return {
        href: " ".join(re.sub(r"<[^>]+>", " ", text).split())
        for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
    }


@pytest.mark.parametrize(
    ("language", "login", "other", "words"),
    [
        ("en", "/account/login/", "/backoffice/login/", "Shop staff?"),
        ("en", "/backoffice/login/", "/account/login/", "Are you a customer?"),
        ("nl", "/account/login/", "/backoffice/login/", "Personeel van de winkel?"),
        ("nl", "/backoffice/login/", "/account/login/", "Bent u klant?"),
    ],
)
def test_each_login_page_links_to_the_other_sides_login(client, db, language, login, other, words):
    page = client.get(login, headers={"accept-language": language})
    assert page.status_code == 200
    assert words in _links(page.text).get(other, "")


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("visitor", "/"),
        ("visitor", "/account/login/"),
        ("visitor", "/backoffice/login/"),
        ("customer", "/account/"),
        ("customer", "/account/returns/"),
        ("staff", "/backoffice/"),
        ("staff", "/backoffice/returns/"),
    ],
)
def test_the_language_switch_offers_all_four_languages_everywhere(request, client, db, who, path):
    if who != "visitor":
        client = request.getfixturevalue(f"{who}_client")
    page = client.get(path)
    assert page.status_code == 200
    buttons = re.findall(
        r'<button type="submit" name="language" value="(\w+)" lang="(\w+)"', page.text
    )
    assert buttons == [("en", "en"), ("nl", "nl"), ("de", "de"), ("fr", "fr")]
    for name in ("English", "Nederlands", "Deutsch", "Français"):
        assert f">{name}</button>" in page.text


@pytest.mark.parametrize(
    ("language", "words"), [("de", "Meine Bestellungen"), ("fr", "Mes commandes")]
)
def test_a_customer_may_choose_german_or_french_for_pages_and_emails(
    customer_client, customer, language, words
):
    response = customer_client.post(
        "/i18n/setlang/", {"language": language, "next": "/account/"}, follow=True
    )
    assert words in response.text
    assert f'<html lang="{language}">' in response.text
    assert Customer.objects.get(pk=customer.pk).language == language
