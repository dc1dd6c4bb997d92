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
from collections import Counter
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from demo.benchmark import saves
from notifications.models import OutgoingEmail
from returns.models import Return, Status

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
        "same returns at once, and reading the API's list; customers reading their returns) "
        "for --seconds; one worker and "
        "one gunicorn instance killed a third of the way in. Then an audit: stock on hand = "
        "the ledger's sum for every variant, kept counts = a recount, every e-mail queued "
        "during the run delivered exactly once, no 5xx. Needs PostgreSQL and Redis."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=300)
        parser.add_argument("--clients", type=int, default=6)
        parser.add_argument("--ports", default="8771,8772")
        parser.add_argument("--smtp-port", type=int, default=8725)
        parser.add_argument("--drain-seconds", type=int, default=120)
        parser.add_argument(
            "--stuck-after",
            type=int,
            default=20,
            help="seconds before the sweep takes back an e-mail a killed worker left "
            "(production: OUTBOX_STUCK_AFTER, 15 minutes)",
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
        started_at = timezone.now()
        env = {
            "TASKS_BACKEND": "rq",
            # A Redis database of its own: other checkouts' workers use the default one.
            "REDIS_URL": options["redis_url"],
            "EMAIL_URL": f"smtp://127.0.0.1:{options['smtp_port']}",
            # A worker killed mid-send leaves its e-mail "sending": the sweep takes it back
            # after this long (production: 15 minutes).
            "OUTBOX_STUCK_AFTER": str(options["stuck_after"]),
            "OUTBOX_LOST_AFTER": str(options["stuck_after"]),
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
            progress("load done; waiting for the outbox to drain")
            drained = self.drain(started_at, options["drain_seconds"])
            progress("drained" if drained else "NOT drained")
        finally:
            for process in processes.values():
                stop(process)
            sink.controller.stop()
        audit = self.audit(started_at, sink, load, drained)
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

    def kill(self, processes, web, worker, load):
        self.stdout.write(f"  killing {web} and {worker} (SIGKILL)")
        load.dead.add(int(web.split(":")[1]))
        for name in (web, worker):
            os.killpg(processes[name].pid, signal.SIGKILL)
        load.killed_at = time.monotonic()

    def drain(self, started_at, seconds):
        """Wait until every e-mail queued during the run has left (or the time is up)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pending = (
                OutgoingEmail.objects.filter(created_at__gte=started_at)
                .exclude(state=OutgoingEmail.State.SENT)
                .count()
            )
            if not pending:
                return True
            time.sleep(1)
        return False

    def audit(self, started_at, sink, load, drained):
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
            "variants with on hand != ledger": stock_mismatches,
            "kept counts != recount": count_mismatches,
            "passed": not (five_xx or missing or duplicates or stock_mismatches)
            and not count_mismatches
            and drained,
        }


class Load:
    """Client threads, each a person: staff browse and filter, save returns (some pairs save
    the same return at once), customers read their returns. A request that finds its
    instance dead (connection refused or reset) goes to the other instance, as a proxy's
    health check would make it; it is counted, never as a 5xx."""

    def __init__(self, command, ports, clients, seconds):
        self.command, self.ports, self.clients, self.seconds = command, ports, clients, seconds
        self.dead, self.killed_at = set(), None
        self.statuses, self.kinds = Counter(), Counter()
        self.refused = self.saved = self.conflicts = 0
        self.lock = threading.Lock()
        rng = random.Random(5)
        users = bench_users()
        from django.test import Client

        cookies = {}
        self.csrf = "c" * 32
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            cookies[role] = (
                f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={self.csrf}"
            )
        self.cookies = cookies
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
                    kind, result = "customer", self.send("customer", "get", "/account/returns/")
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


def stop(process):
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
