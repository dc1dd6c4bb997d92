"""The multi-process proof: the production topology on one machine under a mixed load, with
one web instance and one worker killed in the middle, then an audit of what must hold."""

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from demo.benchmark import saves
from demo.cluster import RETURN_PAGE, WebhookReceiver, browser_request, fill_request_form, multipart
from notifications.models import OutgoingEmail
from orders.models import Order
from returns import selectors as returns_selectors
from returns.emails import REQUEST_RECEIVED, REQUESTED
from returns.models import Return, Status
from returns.workflow import RETURNABLE_ORDER_STATUSES
from webhooks import catalog as webhook_catalog
from webhooks import services as webhook_services
from webhooks.models import WebhookDelivery, WebhookEndpoint

from .bench_load import http_sender, start_gunicorn
from .bench_pages import bench_users


class SmtpSink:
    """A real SMTP server (aiosmtpd) that keeps every Message-ID it accepts."""

    def __init__(self, port):
        from aiosmtpd.controller import Controller

        self.message_ids = []
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.message_ids.append(str(message["Message-ID"]))
        return "250 Message accepted for delivery"


class Command(BaseCommand):
    help = (
        "Two gunicorn instances, three RQ workers and the outbox sweep, sharing nothing but "
        "PostgreSQL and Redis; a mixed load (staff browsing, filtering and saving, also the "
        "same returns at once, and reading the API's list; customers reading their returns "
        "and requesting returns through the account's form) for --seconds, with a webhook "
        "endpoint subscribed to every event (an HTTPS receiver here that checks signatures "
        "and fails some first attempts); one worker and "
        "one gunicorn instance killed a third of the way in. Then an audit: stock on hand = "
        "the ledger's sum for every variant, kept counts = a recount, every e-mail queued "
        "and every webhook recorded during the run delivered exactly once, each successful "
        "return request one return with its e-mails, no 5xx. Needs PostgreSQL, Redis and "
        "the openssl command."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=300)
        parser.add_argument("--clients", type=int, default=6)
        parser.add_argument("--ports", default="8771,8772")
        parser.add_argument("--smtp-port", type=int, default=8725)
        parser.add_argument("--webhook-port", type=int, default=8726)
        parser.add_argument("--drain-seconds", type=int, default=240)
        parser.add_argument(
            "--stuck-after",
            type=int,
            default=20,
            help="seconds before the sweep takes back an e-mail a killed worker left "
            "(production: OUTBOX_STUCK_AFTER, 15 minutes)",
        )
        parser.add_argument(
            "--lost-after",
            type=int,
            default=60,
            help="seconds a queued row waits before the sweep enqueues its task again "
            "(production: OUTBOX_LOST_AFTER, 5 minutes). Under the load the queue is "
            "behind by more than 20 s, and a shorter wait re-enqueued every waiting row "
            "again and again: thousands of duplicate jobs that kept the outboxes from draining",
        )
        parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
        parser.add_argument(
            "--database-url", default="", help="for the processes (default: DATABASE_URL)"
        )
        parser.add_argument("--json", default="bench-results/cluster.json")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The cluster run needs PostgreSQL (DATABASE_URL).")
        ports = [int(p) for p in options["ports"].split(",")]
        sink = SmtpSink(options["smtp_port"])
        sink.controller.start()
        receiver = WebhookReceiver(options["webhook_port"])
        receiver.start()
        endpoint = self.webhook_endpoint(receiver)
        started_at = timezone.now()
        env = {
            "TASKS_BACKEND": "rq",
            # A Redis database of its own: other checkouts' workers use the default one.
            "REDIS_URL": options["redis_url"],
            "EMAIL_URL": f"smtp://127.0.0.1:{options['smtp_port']}",
            # A worker killed mid-send leaves its e-mail "sending": the sweep takes it back
            # after this long (production: 15 minutes).
            "OUTBOX_STUCK_AFTER": str(options["stuck_after"]),
            "OUTBOX_LOST_AFTER": str(options["lost_after"]),
            # The receiver fails some first attempts: retry within seconds, not minutes.
            "EMAIL_RETRY_DELAYS": "1,2,4,8,16",
            # The receiver is on this machine, over HTTPS with its own certificate, which
            # is the only one the processes trust.
            "WEBHOOK_ALLOW_PRIVATE": "true",
            "SSL_CERT_FILE": str(receiver.cert),
            "LOG_LEVEL": "WARNING",
        }
        if options["database_url"]:
            env["DATABASE_URL"] = options["database_url"]
        processes = {}
        # Production settings serve the collected, hashed static files (WhiteNoise's
        # manifest): without them every page is a 500. A fresh checkout has none yet.
        began = time.monotonic()

        def progress(text):
            self.stdout.write(f"  {time.monotonic() - began:6.1f}s  {text}")

        collect = self.manage(env, "collectstatic", "--noinput", "-v0")
        if collect.wait(timeout=300) != 0:
            raise CommandError("collectstatic failed (see bench-results/cluster-collectstatic.log)")
        progress("static files collected")
        try:
            for port in ports:
                processes[f"web:{port}"] = start_gunicorn(
                    port, settings_module="returns_backoffice.settings", env=env, session=True
                )
            for i in range(3):
                processes[f"worker:{i}"] = self.manage(
                    env, "rqworker", "default", *(["--with-scheduler"] if i == 0 else [])
                )
            processes["sweep"] = self.manage(env, "outbox_sweep", "--loop", "2")
            progress("2 web instances, 3 workers and the sweep are up")
            load = Load(self, ports, options["clients"], options["seconds"])
            killer = threading.Timer(
                options["seconds"] / 3, self.kill, [processes, f"web:{ports[0]}", "worker:1", load]
            )
            killer.start()
            load.run()
            killer.join()
            progress("load done; waiting for the outboxes to drain")
            drained = self.drain(started_at, endpoint, options["drain_seconds"])
            progress("drained" if drained else "NOT drained")
        finally:
            for process in processes.values():
                stop(process)
            sink.controller.stop()
            receiver.stop()
            # Nothing more goes to a receiver that is gone.
            webhook_services.endpoint_pause(
                actor=bench_users()["admin"], endpoint=endpoint, reason="The cluster proof is over."
            )
        audit = self.audit(started_at, sink, receiver, endpoint, load, drained)
        path = Path(options["json"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(audit, indent=2, default=str))
        for key, value in audit.items():
            self.stdout.write(f"  {key:<34} {value}")
        if not audit["passed"]:
            raise CommandError("The cluster audit failed (see above).")

    def manage(self, env, *command):
        log = Path("bench-results") / f"cluster-{command[0]}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a") as output:
            return subprocess.Popen(  # noqa: S603
                [sys.executable, "manage.py", *command],
                env={
                    **os.environ,
                    **env,
                    "DEBUG": "false",
                    "DJANGO_SETTINGS_MODULE": "returns_backoffice.settings",
                },
                start_new_session=True,
                stdout=output,
                stderr=output,
            )

    def webhook_endpoint(self, receiver):
        """An active endpoint for every event, made as an admin makes one (the service
        checks the URL: https, and 127.0.0.1 only because private receivers are allowed
        here, as the processes are told). One left active by an interrupted run at the
        same address is paused: it would sign with a secret the receiver does not know."""
        admin = bench_users()["admin"]
        for stale in WebhookEndpoint.objects.filter(active=True, url=receiver.url):
            webhook_services.endpoint_pause(actor=admin, endpoint=stale)
        with override_settings(WEBHOOK_ALLOW_PRIVATE=True):
            endpoint, receiver.secret = webhook_services.endpoint_create(
                actor=admin,
                url=receiver.url,
                events=list(webhook_catalog.EVENTS),
                description="bench_cluster",
            )
        return endpoint

    def kill(self, processes, web, worker, load):
        self.stdout.write(f"  killing {web} and {worker} (SIGKILL)")
        load.dead.add(int(web.split(":")[1]))
        for name in (web, worker):
            os.killpg(processes[name].pid, signal.SIGKILL)
        load.killed_at = time.monotonic()

    def drain(self, started_at, endpoint, seconds):
        """Wait until every e-mail queued and every webhook recorded during the run has
        left (or the time is up)."""
        deadline = time.monotonic() + seconds
        finished = [WebhookDelivery.State.DELIVERED, WebhookDelivery.State.FAILED]
        while time.monotonic() < deadline:
            emails = OutgoingEmail.objects.filter(created_at__gte=started_at).exclude(
                state=OutgoingEmail.State.SENT
            )
            webhooks = WebhookDelivery.objects.filter(endpoint=endpoint).exclude(state__in=finished)
            pending = emails.count() + webhooks.count()
            if not pending:
                return True
            time.sleep(1)
        return False

    def audit(self, started_at, sink, receiver, endpoint, load, drained):
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT count(*) FROM inventory_variant v
                LEFT JOIN (SELECT variant_id, sum(delta) AS total FROM inventory_stockmovement
                           GROUP BY variant_id) m ON m.variant_id = v.id
                WHERE v.on_hand <> coalesce(m.total, 0)
                """
            )
            stock_mismatches = cursor.fetchone()[0]
            cursor.execute(
                """
                SELECT count(*) FROM (
                  SELECT status, coalesce(reason_id, 0) AS reason, count(*) AS n
                  FROM returns_return GROUP BY 1, 2) actual
                FULL JOIN (
                  SELECT status, reason_key AS reason, sum(count) AS n
                  FROM returns_returncount GROUP BY 1, 2 HAVING sum(count) <> 0) kept
                USING (status, reason)
                WHERE actual.n IS DISTINCT FROM kept.n
                """
            )
            count_mismatches = cursor.fetchone()[0]
        emails = list(OutgoingEmail.objects.filter(created_at__gte=started_at))
        received = Counter(sink.message_ids)
        expected = {email.message_id for email in emails}
        missing = [mid for mid in expected if received[mid] == 0]
        duplicates = {mid: n for mid, n in received.items() if mid in expected and n > 1}
        statuses = dict(sorted(load.statuses.items()))
        five_xx = sum(
            n for status, n in statuses.items() if isinstance(status, int) and status >= 500
        )
        webhooks = self.audit_webhooks(receiver, endpoint)
        requests = self.audit_requests(started_at, load, emails, received)
        return {
            "requests": sum(statuses.values()),
            "statuses": statuses,
            "kinds": dict(load.kinds),
            "refused by the killed instance": load.refused,
            "5xx": five_xx,
            "saves that changed a return": load.saved,
            "same-return saves refused (version)": load.conflicts,
            "e-mails queued": len(emails),
            "e-mails delivered": sum(received[mid] for mid in expected),
            "e-mails missing": len(missing),
            "e-mails delivered twice": len(duplicates),
            "outbox drained": drained,
            **webhooks,
            **requests,
            "variants with on hand != ledger": stock_mismatches,
            "kept counts != recount": count_mismatches,
            "passed": not (five_xx or missing or duplicates or stock_mismatches)
            and not count_mismatches
            and drained
            and webhooks["webhooks recorded"] > 0
            and webhooks["webhooks delivered once"] == webhooks["webhooks recorded"]
            and not any(webhooks[key] for key in WEBHOOK_FAULTS)
            and requests["return requests with exactly one return and its 2 e-mails"]
            == requests["return requests answered with their return"]
            and not any(requests[key] for key in REQUEST_FAULTS),
        }

    def audit_webhooks(self, receiver, endpoint):
        """Every delivery recorded for the run's endpoint reached the receiver, signed with
        its secret, and was accepted exactly once (a retry after a 500 counts once)."""
        rows = list(WebhookDelivery.objects.filter(endpoint=endpoint))
        ids = {row.message_id for row in rows}
        delivered = receiver.delivered
        return {
            "webhooks recorded": len(rows),
            "webhook requests received": sum(receiver.attempts.values()),
            "webhooks answered 500 on purpose": receiver.failed_on_purpose,
            "webhooks retried": sum(row.attempts > 1 for row in rows),
            "webhooks delivered once": sum(delivered[mid] == 1 for mid in ids),
            "webhooks missing": sum(delivered[mid] == 0 for mid in ids),
            "webhooks delivered twice": sum(delivered[mid] > 1 for mid in ids),
            "webhooks not recorded as delivered": sum(
                row.state != WebhookDelivery.State.DELIVERED for row in rows
            ),
            "webhooks with an unknown id": len(set(receiver.attempts) - ids),
            "webhook signatures refused": receiver.bad_signatures,
        }

    def audit_requests(self, started_at, load, emails, received):
        """Each return request the account answered with its return (a redirect to it)
        made exactly that one return, even when the form was sent twice at once, with the
        customer's confirmation and the shop's e-mail, each delivered exactly once; no
        return came from a request that was not answered so."""
        answered = {token: pks for token, pks in load.requested.items() if pks}
        made = defaultdict(list)
        for pk, token in Return.objects.filter(
            origin=Return.Origin.CUSTOMER, created_at__gte=started_at
        ).values_list("pk", "request_token"):
            made[str(token)].append(pk)
        sent = defaultdict(Counter)
        for email in emails:
            if email.event in (REQUEST_RECEIVED.name, REQUESTED.name):
                sent[email.reference][email.event] += 1 if received[email.message_id] == 1 else 0
        good = 0
        for token, pks in answered.items():
            reference = f"return:{next(iter(pks))}"
            good += (
                len(pks) == 1
                and made.get(token) == list(pks)
                and sent[reference] == Counter({REQUEST_RECEIVED.name: 1, REQUESTED.name: 1})
            )
        return {
            "request pages refused (nothing left)": load.request_pages_refused,
            "return requests sent": load.request_posts,
            "return requests sent twice at once": load.request_twins,
            "return requests answered with their return": len(answered),
            "return requests refused (form or rules)": load.request_refused,
            "return requests with exactly one return and its 2 e-mails": good,
            "returns from requests not answered so": sum(
                len(pks) for token, pks in made.items() if token not in answered
            ),
        }


WEBHOOK_FAULTS = (
    "webhooks missing",
    "webhooks delivered twice",
    "webhooks not recorded as delivered",
    "webhooks with an unknown id",
    "webhook signatures refused",
)
REQUEST_FAULTS = ("returns from requests not answered so",)


class Load:
    """Client threads, each a person: staff browse and filter, save returns (some pairs save
    the same return at once), customers read their returns and request returns of orders
    they may still return, through the form (sometimes sent twice at once, a double
    click). A request that finds its
    instance dead (connection refused or reset) goes to the other instance, as a proxy's
    health check would make it; it is counted, never as a 5xx."""

    def __init__(self, command, ports, clients, seconds):
        self.command, self.ports, self.clients, self.seconds = command, ports, clients, seconds
        self.dead, self.killed_at = set(), None
        self.statuses, self.kinds = Counter(), Counter()
        self.refused = self.saved = self.conflicts = 0
        self.request_posts = self.request_twins = self.request_refused = 0
        self.request_pages_refused = 0  # the order had nothing left to return (403)
        self.requested = defaultdict(set)  # form token: the returns its answers led to
        self.lock = threading.Lock()
        rng = random.Random(5)
        self.csrf = "c" * 32
        self.cookies = {role: self.cookie(user) for role, user in bench_users().items()}
        # (customer's cookie, order number) of orders that may still be returned.
        self.orders = returnable_orders(self.cookie)
        self.photo_reasons = {str(pk) for pk in returns_selectors.photo_required_reasons()}
        self.saves = saves(clients * seconds, rng)
        self.shared = self.saves[: max(4, len(self.saves) // 10)]  # saved by two at once
        self.own = self.saves[len(self.shared) :]
        self.lists = [
            "/backoffice/returns/",
            *[f"/backoffice/returns/?status={s}" for s in Status.values],
            "/backoffice/returns/?sort=oldest",
            "/backoffice/returns/?sort=changed",
        ]
        # The API (issue 15), read with staff's session as a browser-based client would.
        self.api = ["/api/v1/returns/", "/api/v1/returns/?status=new"]
        self.pages = [
            f"/backoffice/returns/{pk}/"
            for pk in Return.objects.order_by("-pk").values_list("pk", flat=True)[:200]
        ]

    def cookie(self, user):
        from django.test import Client

        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        return f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={self.csrf}"

    def browse(self, cookie, method, path, body=None, content_type=None):
        """One request of a customer's browser, (status, page, Location), to an instance
        that is alive (see send)."""
        for _ in range(3):
            alive = [p for p in self.ports if p not in self.dead] or self.ports
            port = random.choice(alive)
            try:
                status, page, location = browser_request(
                    port, method, path, cookie=cookie, body=body, content_type=content_type
                )
            except OSError:
                with self.lock:
                    self.refused += 1
                self.dead.add(port)
                continue
            with self.lock:
                self.statuses[status] += 1
            return status, page, location
        with self.lock:
            self.statuses["no answer"] += 1
        return None, "", ""

    def request_return(self, rng):
        """A customer opens Request return for an order, fills in the form and sends it
        (sometimes twice at once); the answer is a redirect to the return it made. An order
        with nothing left to return leaves the pool."""
        with self.lock:
            if not self.orders:
                return False
            chosen = rng.choice(self.orders)
        cookie, number = chosen
        path = f"/account/orders/{number}/request-return/"
        status, page, _location = self.browse(cookie, "GET", path)
        fields = fill_request_form(page, rng, avoid_reasons=self.photo_reasons)
        if status != 200 or fields is None:
            with self.lock:
                self.request_pages_refused += status == 403
                if status in (200, 403) and chosen in self.orders:
                    self.orders.remove(chosen)
            return True
        token = dict(fields)["token"]
        body, content_type = multipart(fields)
        twice = rng.random() < 0.2
        answers = []

        def post(start=None):
            if start is not None:
                start.wait()
            answers.append(self.browse(cookie, "POST", path, body, content_type))

        if twice:
            start = threading.Barrier(2)
            pair = [threading.Thread(target=post, args=(start,)) for _ in range(2)]
            for thread in pair:
                thread.start()
            for thread in pair:
                thread.join()
        else:
            post()
        with self.lock:
            self.request_posts += 1
            self.request_twins += twice
        for status, _page, location in answers:
            found = RETURN_PAGE.search(location or "")
            with self.lock:
                if status == 302 and found:
                    self.requested[token].add(int(found.group(1)))
                else:
                    self.request_refused += 1
        if self.requested.get(token):
            # The browser follows the redirect: the return, with "Thank you".
            self.browse(cookie, "GET", f"/account/returns/{min(self.requested[token])}/")
        return True

    def send(self, role, method, path, data=None):
        for _ in range(3):
            alive = [p for p in self.ports if p not in self.dead] or self.ports
            port = random.choice(alive)
            try:
                status, _ms, _ = http_sender(port, self.cookies, self.csrf)(
                    SimpleNamespace(role=role), (method, path, data)
                )
            except OSError:
                with self.lock:
                    self.refused += 1
                self.dead.add(port)
                continue
            with self.lock:
                self.statuses[status] += 1
            return status
        with self.lock:
            self.statuses["no answer"] += 1
        return None

    def run(self):
        deadline = time.monotonic() + self.seconds
        threads = [
            threading.Thread(target=self.person, args=(i, deadline)) for i in range(self.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def person(self, index, deadline):
        rng = random.Random(index)
        try:
            while time.monotonic() < deadline:
                roll = rng.random()
                if index % 3 == 2:
                    if roll < 0.5 and self.request_return(rng):
                        kind, result = "return request", None
                    else:
                        kind = "customer list"
                        result = self.send("customer", "get", "/account/returns/")
                elif roll < 0.1:
                    kind, result = "API list", self.send("staff", "get", rng.choice(self.api))
                elif roll < 0.55:
                    kind, result = "list", self.send("staff", "get", rng.choice(self.lists))
                elif roll < 0.8:
                    kind, result = "return page", self.send("staff", "get", rng.choice(self.pages))
                elif roll < 0.9 and self.shared:
                    kind = "same-return save"
                    with self.lock:
                        save = self.shared.pop() if self.shared else None
                    if save is None:
                        continue
                    self.save_twice(save)
                    result = None
                else:
                    kind = "save"
                    with self.lock:
                        save = self.own.pop() if self.own else None
                    if save is None:
                        continue
                    result = self.send("staff", "post", save[1], save[2])
                    if result == 302:
                        with self.lock:
                            self.saved += 1
                with self.lock:
                    self.kinds[kind] += 1
                del result
        finally:
            connection.close()

    def save_twice(self, save):
        """Two people save the same return at the same moment, from the same version."""
        results = []
        start = threading.Barrier(2)

        def one():
            start.wait()
            results.append(self.send("staff", "post", save[1], save[2]))

        pair = [threading.Thread(target=one) for _ in range(2)]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join()
        with self.lock:
            self.saved += results.count(302)
            self.conflicts += results.count(200)


def returnable_orders(cookie, *, scan=2000, customers=50):
    """[(the customer's session cookie, order number)] for shipped orders of customers with
    an account that may still be returned (the newest shipped first, a few customers)."""
    window = returns_selectors.return_settings().return_window_days
    recent = Order.objects.filter(
        status__in=RETURNABLE_ORDER_STATUSES, customer__user__isnull=False
    ).select_related("customer__user")
    if window:
        recent = recent.filter(shipped_at__gte=timezone.now() - timedelta(days=window + 1))
    orders = list(recent.order_by("-shipped_at")[:scan])
    eligible = returns_selectors.return_eligibilities(orders)
    cookies, pool = {}, []
    for order in orders:
        if not eligible[order.pk].eligible:
            continue
        user = order.customer.user
        if user.pk not in cookies:
            if len(cookies) == customers:
                continue
            cookies[user.pk] = cookie(user)
        pool.append((cookies[user.pk], order.number))
    return pool


def stop(process):
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
