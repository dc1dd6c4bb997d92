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
