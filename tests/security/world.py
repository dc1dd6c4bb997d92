"""A small shop with something of every kind, for the security tests: two customers (A and
B) with an order and a return each, staff, an admin, a product, reasons and actions, the
admins' e-mail templates, an e-mail the mail server refused, and a logged-in test client
per role.

`build_world(text=...)` writes `text` into every free-text field, so the hostile-input tests
can fill the shop with script payloads and look for them on every page and in every e-mail.
"""

import io
import smtplib
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client, override_settings
from PIL import Image

from accounts.models import ApiKey
from accounts.services import api_key_create
from billing import services as billing_services
from inventory.models import Product
from inventory.selectors import inventory_settings
from inventory.services import stock_receive_initial
from notifications.models import OutgoingEmail
from notifications.services import email_deliver, email_queue, email_template_save
from orders.models import Customer, Order, OrderLine
from returns import selectors as return_selectors
from returns import services as return_services
from returns.models import CatalogEntry, Return, ReturnNote
from tests import factories

ANONYMOUS = "anonymous"
CUSTOMER_A = "customer A"
CUSTOMER_B = "customer B"
STAFF = "staff"
ADMIN = "admin"
ROLES = [ANONYMOUS, CUSTOMER_A, CUSTOMER_B, STAFF, ADMIN]


@dataclass
class World:
    customer_a: Customer
    customer_b: Customer
    staff: object
    admin: object
    product: Product
    order_a: Order
    order_b: Order
    line_a: OrderLine
    line_b: OrderLine
    reason: CatalogEntry  # in use by return_b, so it cannot be deleted
    action: CatalogEntry
    spare_reason: CatalogEntry  # used by nothing: it can be moved and deleted
    return_a: Return  # customer A's request, with a typed reason and action
    return_b: Return  # customer B's, created by staff, with catalog entries
    note: ReturnNote
    email: OutgoingEmail  # the status e-mail of return_a, refused by the mail server
    api_key: ApiKey  # a write key (the API's own matrix: tests/api/test_matrix.py)
    draft_invoice: object = None  # a draft credit invoice on order_a (from return_a)
    issued_invoice: object = None  # an issued one on order_a
    exchange: object = None  # an even exchange on another (approved) return of order_a
    photo_a: object = None  # customer A's photo with return_a
    webhook_endpoint: object = None  # Settings > Webhooks: an endpoint for every event
    webhook_delivery: object = None  # a failed delivery of it (admins can send it again)
    texts: dict[str, str] = field(default_factory=dict)
    # The notification template the matrix edits (URL parameters of its pages).
    email_event: str = "return_status_changed"
    email_language: str = "en"
    clients: dict[str, Client] = field(default_factory=dict)

    def resolve(self, path: str):
        """ "return_a.pk" -> the value, for the parameters of the URL table."""
        value = self
        for part in path.split("."):
            value = getattr(value, part)
        return value

    def client(self, role: str, **kwargs) -> Client:
        """A fresh client logged in as `role` (the shared ones are in `clients`)."""
        client = Client(**kwargs)
        user = self.user(role)
        if user is not None:
            client.force_login(user)
        return client

    def user(self, role: str):
        return {
            ANONYMOUS: None,
            CUSTOMER_A: self.customer_a.user,
            CUSTOMER_B: self.customer_b.user,
            STAFF: self.staff,
            ADMIN: self.admin,
        }[role]


class RefusingMailServer(BaseEmailBackend):
    """A mail server that refuses every recipient: 550 and settings.MAIL_SERVER_REPLY."""

    def send_messages(self, messages):
        reply = settings.MAIL_SERVER_REPLY.encode()
        raise smtplib.SMTPRecipientsRefused({to: (550, reply) for m in messages for to in m.to})


def literal(text: str) -> str:
    """`text` as the literal text of an e-mail template: the restricted formatter reads `{{`
    and `}}` as one brace each (notifications/rendering.py), so it is sent as written."""
    return text.replace("{", "{{").replace("}", "}}")


def build_world(text: str = "") -> World:
    """Build the shop. With `text`, every free-text field holds `text` plus a tag naming the
    field (`texts` maps the field to exactly what was stored)."""

    def t(name: str, plain: str, limit: int) -> str:
        # A long `text` is cut, never the name: each field stays tellable from the others.
        value = f"{text[: limit - len(name)]}{name}" if text else plain
        texts[name] = value
        return value

    def template_text(name: str, plain: str) -> str:
        # `text` as literal text, then `plain` with its placeholders. Never cut short: a cut
        # placeholder would be refused.
        value = f"{literal(text)}{name} {plain}" if text else plain
        texts[name] = value
        return value

    texts: dict[str, str] = {}
    staff = factories.StaffUserFactory(full_name=t("staff name", "Sam Staff", 150))
    admin = factories.AdminUserFactory(full_name=t("admin name", "Ada Admin", 150))
    customer_a = factories.CustomerFactory(name=t("customer A name", "Chris Customer", 200))
    customer_b = factories.CustomerFactory(name=t("customer B name", "Olga Other", 200))
    product = factories.ProductFactory(name=t("product name", "Sock", 200))
    variant = factories.VariantFactory(product=product, title=t("variant title", "M", 200))
    line_a = factories.OrderLineFactory(
        order__customer=customer_a,
        variant=variant,
        quantity=5,
        title=t("line title", "Sock — M", 300),
    )
    line_b = factories.OrderLineFactory(order__customer=customer_b, variant=variant, quantity=5)
    stock_receive_initial(quantities={variant.pk: 20})
    # Every page reads these single-row settings; they exist from the start so that a
    # page view never counts as "a change in the database".
    inventory_settings()
    return_selectors.return_settings()

    reason = return_services.catalog_entry_create(
        actor=admin, kind="reason", name=t("catalog reason", "Too small", 120)
    )
    action = return_services.catalog_entry_create(
        actor=admin, kind="action", name=t("catalog action", "Send a larger size", 120)
    )
    spare_reason = return_services.catalog_entry_create(
        actor=admin, kind="reason", name=t("spare reason", "Changed my mind", 120)
    )
    return_a = return_services.return_create(
        order=line_a.order,
        quantities={line_a.pk: 1},
        user=staff,
        origin=Return.Origin.CUSTOMER,
        reason=return_services.Choice(text=t("reason text", "Too big", 200)),
        action=return_services.Choice(text=t("action text", "Refund", 200)),
        customer_comment=t("customer comment", "The colour is off.", 5000),
        staff_note=t("staff note", "Checked the parcel.", 5000),
    )
    return_b = return_services.return_create(
        order=line_b.order,
        quantities={line_b.pk: 1},
        user=staff,
        origin=Return.Origin.STAFF,
        reason=return_services.Choice(entry=reason),
        action=return_services.Choice(entry=action),
        customer_comment=t("staff-typed comment", "Phoned in: wants a refund.", 5000),
    )
    # The admins' own texts of both e-mails in English (Settings > Notification e-mails), so
    # that Reset to default has something to reset. The world's e-mail is rendered from one.
    body = (
        "Hello {customer_name},\n\nReturn {return_number}: {status}.\n{return_url}\n\n{shop_name}"
    )
    for event, name, subject in [
        ("return_status_changed", "status", "Return {return_number} for {customer_name}"),
        ("return_requested", "request", "Return request {return_number}: {customer_name}"),
    ]:
        email_template_save(
            actor=admin,
            event=event,
            language="en",
            subject=template_text(f"{name} subject", subject),
            body=template_text(f"{name} text", body),
        )
    email = email_queue(
        event="return_status_changed",
        to=customer_a.user.email,
        language="en",
        context={
            "customer_name": customer_a.name,
            "return_number": return_a.number,
            "order_number": line_a.order.number,
            "status": "In progress",
            "shop_name": "Shop",
            "return_url": f"https://shop.example/account/returns/{return_a.pk}/",
        },
        reference=f"return:{return_a.pk}",
    )
    # The mail server refuses it: admins can resend it, and the server's reply is one more
    # text from outside that the backoffice shows (Outbox, the return's history).
    with override_settings(
        EMAIL_BACKEND=f"{__name__}.RefusingMailServer",
        MAIL_SERVER_REPLY=t("delivery error", "5.1.1 Mailbox unavailable", 500),
    ):
        assert email_deliver(email_id=email.pk) == OutgoingEmail.State.FAILED
    email.refresh_from_db()
    api_key, _secret = api_key_create(
        actor=admin, name=t("api key name", "Shop sync", 100), scope="write"
    )
    world = World(
        customer_a=customer_a,
        customer_b=customer_b,
        staff=staff,
        admin=admin,
        product=product,
        order_a=line_a.order,
        order_b=line_b.order,
        line_a=line_a,
        line_b=line_b,
        reason=reason,
        action=action,
        spare_reason=spare_reason,
        return_a=return_a,
        return_b=return_b,
        note=ReturnNote.objects.get(rma=return_a),
        email=email,
        api_key=api_key,
        draft_invoice=billing_services.credit_invoice_create(
            order=line_a.order,
            user=staff,
            rma=return_a,
            lines={line_a.pk: billing_services.LineInput(1)},
        ),
        issued_invoice=billing_services.credit_invoice_issue(
            invoice=billing_services.credit_invoice_create(
                order=line_a.order, user=staff, lines={line_a.pk: billing_services.LineInput(1)}
            ),
            user=staff,
        ),
        exchange=_even_exchange(line_a, staff, reason),
        photo_a=_customer_photo(return_a, customer_a),
        texts=texts,
    )
    world.webhook_endpoint, world.webhook_delivery = _webhook(admin)
    world.clients = {role: world.client(role) for role in ROLES}
    return world


def photo_upload(name="photo.jpg"):
    """A small real JPEG, as a browser uploads it."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def _customer_photo(rma, customer):
    """A photo as the customer's request keeps it (returns.services.return_request)."""
    from django.db import transaction

    from returns.models import ReturnPhoto
    from returns.photos import process_photo
    from returns.services.photos import photos_attach, photos_store

    stored = photos_store([process_photo(photo_upload())])
    with transaction.atomic():
        (photo,) = photos_attach(rma, stored, kind=ReturnPhoto.Kind.CUSTOMER, user=customer.user)
    return photo


def _webhook(admin):
    """An endpoint (a public address written as an IP: no name server needed) and a
    failed test delivery to it."""
    from webhooks import services as webhook_services
    from webhooks.models import WebhookDelivery

    endpoint, _secret = webhook_services.endpoint_create(
        actor=admin,
        url="https://93.184.216.34/hooks",
        events=["return.created", "return.status_changed"],
    )
    delivery = webhook_services.endpoint_send_test(actor=admin, endpoint=endpoint)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=WebhookDelivery.State.FAILED, last_error="HTTP 410"
    )
    delivery.refresh_from_db()
    return endpoint, delivery


def _even_exchange(line, staff, reason):
    """An approved staff return of one item of `line`, exchanged for the same variant."""
    from billing.exchanges import ExchangeInput, exchange_create

    rma = return_services.return_create(
        order=line.order,
        quantities={line.pk: 1},
        user=staff,
        origin=Return.Origin.STAFF,
        reason=return_services.Choice(entry=reason),
    )
    rma = return_services.return_change(rma=rma, user=staff, version=rma.version, status="approved")
    return exchange_create(
        rma=rma, user=staff, lines={rma.lines.get().pk: ExchangeInput(line.variant_id, 1)}
    )


def our_models():
    """The models of this project's own apps (not Django's, not third parties'), found by
    where the app lives, so a new app (notifications) is included without a change here."""
    base = str(settings.BASE_DIR)
    for config in apps.get_app_configs():
        if config.path.startswith(base) and "site-packages" not in config.path:
            yield from config.get_models()


def database_state() -> dict[str, list[tuple]]:
    """Every row of every model of ours: compare two of these to prove nothing changed."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in our_models()
    }
