"""The returns list's bulk action "Print return slips": one PDF, a page per return, each the
slip a single return prints (in its customer's language); finished and unknown returns
are refused and listed; at most SLIPS_LIMIT at once; staff only. Read back with pypdf."""

import re

import pytest
from django.test import Client

from returns.slip import SLIPS_LIMIT
from tests.factories import CustomerFactory, OrderLineFactory
from tests.returns.test_slip import pdf_of, shop_settings  # noqa: F401 (a fixture)


def post_slips(client, ids, **fields):
    return client.post(
        "/backoffice/returns/bulk/",
        {"scope": "selected", "action": "slips", "ids": [str(pk) for pk in ids], **fields},
    )


@pytest.fixture
def open_returns(line, make_return):
    """Five open returns of three customers: English, Dutch and German."""
    languages = ["en", "nl", "de", "en", "nl"]
    made = []
    for language in languages:
        order_line = OrderLineFactory(
            order__customer=CustomerFactory(language=language), quantity=1, shipped_quantity=1
        )
        made.append(make_return(order_line, status="in_progress"))
    return made


def test_one_pdf_with_a_page_per_return_each_in_its_customers_language(
    staff_client,
    open_returns,
    shop_settings,  # noqa: F811
):
    reader = pdf_of(post_slips(staff_client, [rma.pk for rma in open_returns]))

    assert len(reader.pages) == len(open_returns)
    # In key order, one slip per page: each page names its own return and no other.
    for page, rma in zip(reader.pages, sorted(open_returns, key=lambda r: r.pk), strict=True):
        text = page.extract_text()
        assert set(re.findall(r"RET-\d+", text)) == {rma.number}
        language = rma.customer.language
        assert {"en": "Return slip", "nl": "Retourbon", "de": "Retourenschein"}[language] in text
        if language == "nl":
            assert "Bewaar uw verzendbewijs." in text


def test_finished_and_unknown_returns_are_refused_and_listed_with_the_others_to_download(
    staff_client, open_returns, line, make_return
):
    credited = make_return(
        OrderLineFactory(order=line.order, quantity=1, shipped_quantity=1), status="credited"
    )
    ids = [rma.pk for rma in open_returns[:2]] + [credited.pk, 999999]
    response = post_slips(staff_client, ids)

    page = response.content.decode()
    assert response.status_code == 200
    assert "2 slips to print." in page and "2 returns refused." in page
    assert credited.number in page and "no parcel is on its way any more" in page
    assert "RET-999999" in page and "There is no such return." in page
    link = re.search(r'href="(/backoffice/returns/slips\.pdf\?[^"]+)"', page).group(1)
    reader = pdf_of(staff_client.get(link.replace("&amp;", "&")))
    assert len(reader.pages) == 2
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert all(rma.number in text for rma in open_returns[:2])
    assert credited.number not in text


def test_more_than_the_limit_is_refused_whole(staff_client, open_returns):
    ids = [rma.pk for rma in open_returns] + list(range(10**6, 10**6 + SLIPS_LIMIT))
    response = post_slips(staff_client, ids, filter="status=in_progress")
    assert response.status_code == 302
    assert response["Location"] == "/backoffice/returns/?status=in_progress"
    page = staff_client.get(response["Location"]).content.decode()
    assert f"at most {SLIPS_LIMIT} returns at once" in page


def test_every_return_in_the_list_prints_the_filtered_ones(staff_client, open_returns):
    response = post_slips(staff_client, [], scope="matching", filter="status=in_progress")
    assert len(pdf_of(response).pages) == len(open_returns)


def test_customers_and_strangers_print_no_slips(customer_client, open_returns):
    ids = [open_returns[0].pk]
    assert post_slips(customer_client, ids).status_code == 403
    assert customer_client.get(f"/backoffice/returns/slips.pdf?ids={ids[0]}").status_code == 403
    stranger = Client()
    assert post_slips(stranger, ids).status_code == 302  # to the login
    assert stranger.get(f"/backoffice/returns/slips.pdf?ids={ids[0]}").status_code == 302


@pytest.mark.parametrize("query", ["", "?ids=x", "?ids=1" + "&ids=1" * SLIPS_LIMIT])
def test_an_odd_download_address_is_a_bad_request(staff_client, db, query):
    assert staff_client.get(f"/backoffice/returns/slips.pdf{query}").status_code == 400


def test_the_list_offers_the_action(staff_client, open_returns):
    html = staff_client.get("/backoffice/returns/").content.decode()
    assert 'name="action" value="slips"' in html
    assert f"at most {SLIPS_LIMIT} at once" in html
