import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.utils.crypto import get_random_string

from demo.benchmark import (
    ADMIN,
    bench_plan,
    read_lines,
    run_interleaved,
    saves,
    table,
    verdict_lines,
    verdicts,
)
from orders.models import Customer
from returns.models import Return, Status

from .bench_pages import bench_users

LUA = """
local cookie = %(cookie)s
local csrf = %(csrf)s
local lists = %(lists)s
local pages = %(pages)s
local saves = %(saves)s
local mix = %(mix)s
local threads_made = 0

function setup(thread)
  thread:set("index", threads_made)
  threads_made = threads_made + 1
  thread:set("threads", %(threads)d)
end

function init(args)
  saved = 0
  math.randomseed(os.time() + index)
end

local function get(path)
  return wrk.format("GET", path, {["Cookie"] = cookie})
end

function request()
  local roll = math.random(100)
  if roll <= mix[1] then
    return get(lists[math.random(#lists)])
  elseif roll <= mix[1] + mix[2] then
    return get(pages[math.random(#pages)])
  end
  -- Each thread saves its own returns, each once: every save really writes.
  local slot = index + saved * threads + 1
  if slot > #saves then
    return get(pages[math.random(#pages)])
  end
  saved = saved + 1
  local save = saves[slot]
  return wrk.format("POST", save[1], {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, save[2] .. "&csrfmiddlewaretoken=" .. csrf)
end
"""


def lua(value) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "{" + ", ".join(lua(item) for item in value) + "}"
    return str(value)


class Command(BaseCommand):
    help = (
        "Over HTTP through gunicorn (2 workers): every page of bench_pages timed by the "
        "client, interleaved with the plain admin changelist; then throughput with wrk "
        "(8 connections) of the list, the admin changelist and /healthz, and a mixed run of "
        "80% lists, 15% return pages and 5% saves for --seconds. Prints ratios; writes JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=60, help="the mixed run")
        parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
        parser.add_argument("--throughput-seconds", type=int, default=15)
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--seed", type=int, default=11)
        parser.add_argument("--json", default="bench-results/load.json")

    def handle(self, *args, **options):
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed (Debian: apt-get install wrk).")
        port = options["port"]
        base = f"http://127.0.0.1:{port}"
        rng = random.Random(options["seed"])
        cookies, csrf = self.sessions()
        pages = bench_plan(options["requests"], rng, project_admin=False)
        server = start_gunicorn(port)
        try:
            rows = run_interleaved(pages, http_sender(port, cookies, csrf))
            seconds = options["throughput_seconds"]
            staff = cookies["staff"]
            results = {
                "list": self.wrk(base, staff, csrf, options, seconds=seconds, mix=(100, 0, 0)),
                "admin list": self.wrk(
                    base, cookies["admin"], csrf, options, seconds=seconds, paths=[ADMIN]
                ),
                "healthz": self.wrk(base, staff, csrf, options, seconds=10, paths=["/healthz"]),
                "mix": self.wrk(
                    base, staff, csrf, options, seconds=options["seconds"], mix=(80, 15, 5)
                ),
            }
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        self.stdout.write(
            f"\n{Return.objects.count():,} returns, over HTTP (gunicorn, 2 workers)\n"
        )
        self.stdout.write(table(rows, with_queries=False))
        targets = verdicts(rows, pages)
        ratio = results["list"]["requests_per_second"] / max(
            results["admin list"]["requests_per_second"], 0.01
        )
        targets.append(
            ("list throughput: ≥ 10× the admin changelist's", f"{ratio:.1f}×", ratio >= 10)
        )
        self.stdout.write(f"\nThroughput (wrk, {options['connections']} connections):")
        for name, r in results.items():
            self.stdout.write(
                f"  {name:<12} {r['requests_per_second']:8.1f} req/s   p50 {r['p50_ms']:7.1f} ms"
                f"   p99 {r['p99_ms']:7.1f} ms   errors {r['errors']}   ({r['requests']} requests)"
            )
        healthz = results["list"]["requests_per_second"] / max(
            results["healthz"]["requests_per_second"], 0.01
        )
        self.stdout.write(
            f"  list = {ratio:.1f}× the admin changelist's throughput, {healthz:.0%} of /healthz"
        )
        self.stdout.write("\nTargets (issue 20), over HTTP:\n" + verdict_lines(targets))
        path = Path(options["json"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(
                {
                    "pages": [r.as_dict() for r in rows],
                    "throughput": {k: {**v, "raw": None} for k, v in results.items()},
                    "list_vs_admin": round(ratio, 2),
                    "list_vs_healthz": round(healthz, 3),
                    "targets": [list(t) for t in targets],
                },
                indent=2,
            )
        )
        errors = [row.name for row in rows if set(row.statuses) - {200, 302}]
        if errors or results["mix"]["errors"]:
            raise CommandError(f"Errors over HTTP: {errors or results['mix']['errors']}")

    def sessions(self):
        """A session cookie per role (logged in as the test client does, stored in the
        database the web processes share) and one CSRF secret for every form."""
        csrf = get_random_string(32)
        cookies = {}
        for role, user in bench_users().items():
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            cookies[role] = (
                f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
            )
        return cookies, csrf

    def wrk(self, base, cookie, csrf, options, *, seconds, mix=(80, 15, 5), paths=None):
        rng = random.Random(seconds)
        sample = list(Return.objects.order_by("?").values_list("pk", flat=True)[:300])
        customers = list(
            Customer.objects.filter(returns__pk__in=sample[:50]).values_list(
                "user__email", flat=True
            )
        )
        lists = paths or [
            "/backoffice/returns/",
            *[f"/backoffice/returns/?status={status}" for status in Status.values],
            *[f"/backoffice/returns/?q={urllib.parse.quote(email)}" for email in customers[:20]],
            *[f"/backoffice/returns/?q=RET-{pk:06d}" for pk in sample[:20]],
        ]
        pages = [f"/backoffice/returns/{pk}/" for pk in sample]
        posts = (
            [
                [path, urllib.parse.urlencode(data)]
                for _, path, data in saves(max(200, seconds * 40), rng)
            ]
            if mix[2]
            else []
        )
        threads = 2
        script = LUA % {
            "cookie": lua(cookie),
            "csrf": lua(csrf),
            "lists": lua(lists),
            "pages": lua(pages),
            "saves": lua(posts),
            "mix": lua(list(mix)),
            "threads": threads,
        }
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(script)
        # A slow answer is latency, not an error: wrk's own 2 s timeout would count it as one.
        command = [
            "wrk",
            "--timeout",
            "10s",
            f"-t{threads}",
            f"-c{options['connections']}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            handle.name,
            base,
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
        os.unlink(handle.name)
        return parse_wrk(output)


def http_sender(port, cookies, csrf):
    """send(page, request) for run_interleaved: one HTTP request on a new connection (as
    gunicorn's sync workers close each one), timed by the client."""

    def send(page, request):
        method, path, data = request
        headers = {"Cookie": cookies[page.role], "Host": "127.0.0.1"}
        body = None
        if method == "post":
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": csrf})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request(method.upper(), path, body, headers)
        response = connection.getresponse()
        first_lines = getattr(page, "first_lines", 0)
        if first_lines:
            read_lines(iter(lambda: response.read1(65536), b""), first_lines)
        else:
            response.read()
        ms = (time.perf_counter() - started) * 1000
        connection.close()
        return response.status, ms, 0

    return send


def start_gunicorn(
    port, *, workers=2, settings_module="returns_backoffice.bench_settings", env=None, session=False
):
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": settings_module,
        **(env or {}),
    }
    env.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    # Plain HTTP on the loopback: no redirect to HTTPS, cookies without the Secure flag.
    env["SECURE_SSL_REDIRECT"] = "false"
    env["SECURE_COOKIES"] = "false"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603
        [
            str(gunicorn),
            "returns_backoffice.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
            "--log-level",
            "warning",
        ],
        env=env,
        start_new_session=session,  # its own process group, to be killed as one
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise CommandError("gunicorn did not start")


def parse_wrk(output: str) -> dict:
    def number(pattern, default=0.0):
        match = re.search(pattern, output)
        return float(match.group(1)) if match else default

    def millis(pattern):
        match = re.search(pattern, output)
        if not match:
            return 0.0
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    errors = int(number(r"Non-2xx or 3xx responses:\s+(\d+)"))
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket:
        errors += sum(int(value) for value in socket.groups())
    return {
        "requests": int(number(r"(\d+) requests in")),
        "requests_per_second": number(r"Requests/sec:\s+([\d.]+)"),
        "p50_ms": millis(r"50%\s+([\d.]+)(us|ms|s|m)\b"),
        "p99_ms": millis(r"99%\s+([\d.]+)(us|ms|s|m)\b"),
        "errors": errors,
        "raw": output,
    }
