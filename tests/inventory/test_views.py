import pytest

from inventory.models import InventorySettings, StockMovement
from inventory.services import StockChange, stock_apply, stock_receive_initial
from tests.factories import OrderLineFactory, ProductFactory, VariantFactory


def test_products_list_shows_on_hand_stock(staff_client):
    variant = VariantFactory(product__name="Rain jacket", sku="RJ-M")
    stock_receive_initial(quantities={variant.pk: 7})
    page = staff_client.get("/backoffice/products/")
    assert page.status_code == 200
    assert "Rain jacket" in page.text and "RJ-M" in page.text
    assert staff_client.get("/backoffice/products/?q=rj-m").context["page"].paginator.count == 1
    assert staff_client.get("/backoffice/products/?q=nothing").context["page"].paginator.count == 0


def test_product_page_shows_its_ledger_with_what_caused_each_movement(staff_client, staff):
    variant = VariantFactory(product__name="Linen shirt")
    line = OrderLineFactory(variant=variant)
    stock_receive_initial(quantities={variant.pk: 5})
    stock_apply(
        changes=[StockChange(variant.pk, 2, StockMovement.Kind.RETURN_RESTOCK, reference=line)],
        user=staff,
    )
    page = staff_client.get(f"/backoffice/products/{variant.product.pk}/")
    assert page.status_code == 200
    assert "Return restock" in page.text and "Stock received" in page.text
    assert "+2" in page.text
    assert str(line) in page.text
    assert "Sam Staff" in page.text


def test_unknown_product_is_404_and_bad_pages_are_not_errors(staff_client):
    assert staff_client.get("/backoffice/products/99999/").status_code == 404
    assert staff_client.get("/backoffice/products/?page=abc").status_code == 200
    assert staff_client.get("/backoffice/products/?page=99999").status_code == 200


def test_product_pages_run_the_same_number_of_queries_for_1_or_50_rows(staff_client, query_count):
    def make(n):
        for _ in range(n):
            variant = VariantFactory()
            stock_apply(changes=[StockChange(variant.pk, 1, StockMovement.Kind.ADJUSTMENT)])

    make(1)
    small_list = query_count(lambda: staff_client.get("/backoffice/products/"))
    make(49)
    assert query_count(lambda: staff_client.get("/backoffice/products/")) == small_list
    assert small_list <= 10

    product = ProductFactory()
    first = VariantFactory(product=product)
    line = OrderLineFactory(variant=first)
    stock_apply(
        changes=[StockChange(first.pk, 1, StockMovement.Kind.RETURN_RESTOCK, reference=line)]
    )
    url = f"/backoffice/products/{product.pk}/"
    small_detail = query_count(lambda: staff_client.get(url))
    for _ in range(49):
        stock_apply(changes=[StockChange(VariantFactory(product=product).pk, 1, "adjustment")])
        stock_apply(
            changes=[StockChange(first.pk, 1, StockMovement.Kind.RETURN_RESTOCK, reference=line)]
        )
    assert query_count(lambda: staff_client.get(url)) == small_detail
    assert small_detail <= 10


def test_admin_switches_stock_linked_to_a_point_of_sale(admin_client):
    page = admin_client.get("/backoffice/settings/inventory/")
    assert "Stock linked to a point of sale" in page.text
    response = admin_client.post(
        "/backoffice/settings/inventory/", {"stock_linked_to_pos": "on"}, follow=True
    )
    assert "Inventory settings saved." in response.text
    assert InventorySettings.objects.get().stock_linked_to_pos is True


@pytest.mark.django_db
def test_staff_cannot_change_inventory_settings(staff_client):
    assert (
        staff_client.post(
            "/backoffice/settings/inventory/", {"stock_linked_to_pos": "on"}
        ).status_code
        == 403
    )
    assert not InventorySettings.objects.filter(stock_linked_to_pos=True).exists()
