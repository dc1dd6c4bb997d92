"""factory-boy factories for every model the tests need."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from accounts.roles import ADMIN, STAFF
from inventory.models import Product, Variant
from orders.models import Customer, Order, OrderLine


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password("secret-pass-123")


class StaffUserFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staff{n}@example.org")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get(name=STAFF))


class AdminUserFactory(UserFactory):
    email = factory.Sequence(lambda n: f"admin{n}@example.org")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get(name=ADMIN))


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    user = factory.SubFactory(UserFactory, email=factory.Sequence(lambda n: f"cust{n}@example.org"))
    name = factory.Faker("name")
    language = "en"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n}")


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    title = "M"
    price = Decimal("19.95")


class OrderFactory(factory.django.DjangoModelFactory):
    """A shipped order, three days ago."""

    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"T-{n:06d}")
    customer = factory.SubFactory(CustomerFactory)
    status = Order.Status.SHIPPED
    placed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=4))
    shipped_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    variant = factory.SubFactory(VariantFactory)
    title = factory.LazyAttribute(
        lambda line: f"{line.variant.product.name} — {line.variant.title}"
    )
    sku = factory.LazyAttribute(lambda line: line.variant.sku)
    quantity = 3
    unit_price = factory.LazyAttribute(lambda line: line.variant.price)
    # A line of a shipped order shipped in full; of any other order, nothing yet.
    shipped_quantity = factory.LazyAttribute(
        lambda line: (
            line.quantity
            if line.order.shipped_at is not None and line.order.status in ("shipped", "delivered")
            else 0
        )
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The customer paid for what they ordered: each line adds to its order's total.
        line = super()._create(model_class, *args, **kwargs)
        paid = Decimal(line.unit_price) * line.quantity
        Order.objects.filter(pk=line.order_id).update(total_paid=F("total_paid") + paid)
        line.order.total_paid = Decimal(line.order.total_paid) + paid
        return line


class CatalogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "returns.CatalogEntry"
        django_get_or_create = ["kind", "name"]

    kind = "reason"
    name = factory.Sequence(lambda n: f"Reason {n}")
    position = factory.Sequence(lambda n: n)


# --- notifications ----------------------------------------------------------------------

from notifications.models import DeliveryAttempt, EmailTemplate, OutgoingEmail  # noqa: E402


class OutgoingEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutgoingEmail

    event = "return_status_changed"
    language = "en"
    to = factory.Sequence(lambda n: f"recipient{n}@example.org")
    subject = factory.Sequence(lambda n: f"Your return RET-{n:06d}: Return approved")
    body = "Dear customer,\n\nYour return was approved."
    reference = factory.Sequence(lambda n: f"return:{n}")
    state = OutgoingEmail.State.QUEUED
    next_attempt_at = factory.LazyFunction(timezone.now)


class FailedEmailFactory(OutgoingEmailFactory):
    state = OutgoingEmail.State.FAILED
    attempts = 1
    next_attempt_at = None
    last_error = "550 5.1.1 <nobody@example.org>: Recipient address rejected"


class DeliveryAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryAttempt

    email = factory.SubFactory(FailedEmailFactory)
    number = 1
    started_at = factory.LazyFunction(timezone.now)
    outcome = DeliveryAttempt.Outcome.PERMANENT
    smtp_code = 550
    error = "550 5.1.1 <nobody@example.org>: Recipient address rejected"


class EmailTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailTemplate
        django_get_or_create = ["event", "language"]

    event = "return_status_changed"
    language = "en"
    subject = "Return {return_number} is now: {status}"
    body = "Hello {customer_name},\n\n{status}\n\n{shop_name}"
