import pytest
from django.core.management import CommandError, call_command
from django.db.models import Max, Sum

from accounts.models import User
from inventory.models import StockMovement, Variant
from orders.models import Customer, Order


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_the_logins(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", "--customers", "5", "--orders", "20")
    counts = (User.objects.count(), Order.objects.count(), StockMovement.objects.count())
    call_command("seed_demo", "--customers", "5", "--orders", "20")
    assert (User.objects.count(), Order.objects.count(), StockMovement.objects.count()) == counts
    out = capsys.readouterr().out
    for login in ["admin@example.com", "staff@example.com", "customer@example.com"]:
        assert login in out
    assert Order.objects.count() == 20
    assert Customer.objects.filter(user__email="customer@example.com").get().orders.count() >= 4
    for variant in Variant.objects.all():
        assert variant.on_hand == variant.movements.aggregate(s=Sum("delta"))["s"]


@pytest.mark.django_db
def test_seed_demo_grows_a_shop_to_the_requested_size(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--customers", "3", "--orders", "10")
    call_command("seed_demo", "--customers", "30", "--orders", "300", "--products", "20")
    assert Customer.objects.filter(user__email__startswith="shopper").count() == 30
    assert Order.objects.count() == 300
    assert Order.objects.values("number").distinct().count() == 300


@pytest.mark.django_db
def test_demo_logins_work(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", "--customers", "1", "--orders", "5")
    assert client.login(username="staff@example.com", password="staff")
    assert client.get("/backoffice/orders/").status_code == 200


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.filter(email="admin@example.com").exists()


@pytest.mark.django_db
def test_the_demo_customer_can_see_every_eligibility_answer(settings):
    """Request return on a recent order, and the two reasons why not (period over, not
    shipped yet) on others: the demo shows them all."""
    from returns.selectors import return_eligibilities

    settings.DEBUG = True
    # A small shop, where the generated returns would otherwise reach the demo customer.
    call_command("seed_demo", "--customers", "3", "--orders", "20", "--returns", "200")
    customer = Customer.objects.get(user__email="customer@example.com")
    answers = return_eligibilities(customer.orders.all()).values()
    reasons = [answer.reason for answer in answers if not answer.eligible]
    assert any(answer.eligible for answer in answers)
    assert any(reason.startswith("The return period for this order ended on") for reason in reasons)
    assert any(reason.startswith("This order has not shipped yet.") for reason in reasons)
    assert customer.returns.exists()


@pytest.fixture
def demo_shop(settings, db):
    settings.DEBUG = True
    call_command("seed_demo", "--customers", "10", "--orders", "60", "--returns", "60")


def test_nothing_in_the_demo_is_dated_in_the_future_or_before_the_stock_it_moves(demo_shop):
    from django.db.models import Min
    from django.utils import timezone

    from returns.models import HistoryEntry, Return

    now = timezone.now()
    assert not Return.objects.filter(created_at__gt=now).exists()
    assert not Return.objects.filter(updated_at__gt=now).exists()
    assert not HistoryEntry.objects.filter(created_at__gt=now).exists()
    assert not StockMovement.objects.filter(created_at__gt=now).exists()
    assert not Order.objects.filter(shipped_at__gt=now).exists()
    for rma in Return.objects.select_related("order"):
        assert rma.order.shipped_at <= rma.created_at <= rma.updated_at
    opening = StockMovement.objects.filter(kind="received").aggregate(last=Max("created_at"))
    first_return_movement = StockMovement.objects.exclude(kind="received").aggregate(
        first=Min("created_at")
    )
    assert opening["last"] < first_return_movement["first"]


def test_demo_comments_match_their_reasons(demo_shop):
    from demo.catalog import STORIES
    from returns.models import Return

    commented = Return.objects.exclude(customer_comment="").select_related("reason")
    assert commented.exists()
    for rma in commented:
        comments, wishes = STORIES[rma.reason.name]
        assert rma.customer_comment in comments
        assert rma.action.name in wishes


def test_the_demo_outbox_has_a_failed_email_to_resend(demo_shop, client):
    from notifications.models import OutgoingEmail

    failed = OutgoingEmail.objects.get(state="failed")
    assert "550" in failed.last_error
    client.login(username="admin@example.com", password="admin")
    assert client.post(f"/backoffice/outbox/{failed.pk}/resend/").status_code == 302
    assert OutgoingEmail.objects.get(pk=failed.pk).state == "queued"


def test_the_demo_admin_can_log_in_to_the_django_admin(demo_shop, client):
    response = client.post(
        "/django-admin/login/?next=/django-admin/",
        {"username": "admin@example.com", "password": "admin", "next": "/django-admin/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/django-admin/"
    assert "Site administration" in response.text


@pytest.mark.django_db
def test_demo_orders_carry_money_that_adds_up(settings):
    """Every paid demo order paid exactly its lines plus its costs, at Dutch VAT rates (books
    at 9 %, the rest at 21 %); orders awaiting payment or cancelled paid nothing."""
    from decimal import Decimal

    from django.db.models import F

    from orders.models import OrderLine

    settings.DEBUG = True
    call_command("seed_demo", "--customers", "5", "--orders", "60")
    from billing.models import BillingSettings

    # The invoice details every credit invoice prints.
    assert BillingSettings.objects.get().vat_number
    rates = set(OrderLine.objects.values_list("vat_rate", flat=True))
    assert rates == {Decimal("21.00"), Decimal("9.00")}
    assert OrderLine.objects.filter(sku__startswith="DEMO-13-", vat_rate=Decimal(9)).exists()
    goods = dict(
        Order.objects.annotate(
            goods=Sum(F("lines__unit_price") * F("lines__quantity"))
        ).values_list("pk", "goods")
    )
    for order in Order.objects.all():
        assert order.currency == "EUR"
        if order.status in (Order.Status.PENDING, Order.Status.CANCELLED):
            assert order.total_paid == 0
        else:
            assert order.payment_method
            assert order.total_paid == goods[order.pk] + order.shipping_cost + order.payment_cost
