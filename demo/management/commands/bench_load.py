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
from http.cookiejar import CookieJar
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orders.models import Customer
from returns.models import Return, ReturnLine, Status

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
        "Load run: gunicorn with 2 workers, driven by wrk with 80% returns list, 15% return page "
        "and 5% saves for --seconds; then the list alone and a trivial view alone, to compare "
        "requests per second. Prints requests/s, p99 and errors; writes JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--json", default="bench-results/load.json")

    def handle(self, *args, **options):
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed (Debian: apt-get install wrk).")
        port = options["port"]
        base = f"http://127.0.0.1:{port}"
        server = self.start_gunicorn(port)
        try:
            cookie, csrf = self.log_in(base)
            results = {
                "mix": self.wrk(
                    base, cookie, csrf, options, seconds=options["seconds"], mix=(80, 15, 5)
                ),
                "list only": self.wrk(base, cookie, csrf, options, seconds=15, mix=(100, 0, 0)),
                "trivial view": self.wrk(base, cookie, csrf, options, seconds=15, trivial=True),
            }
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        ratio = (
            results["list only"]["requests_per_second"]
            / results["trivial view"]["requests_per_second"]
        )
        results["list_vs_trivial"] = round(ratio, 3)
        for name in ("mix", "list only", "trivial view"):
            r = results[name]
            self.stdout.write(
                f"{name:<14} {r['requests_per_second']:8.1f} req/s   p50 {r['p50_ms']:7.1f} ms   "
                f"p99 {r['p99_ms']:7.1f} ms   errors {r['errors']}   ({r['requests']} requests)"
            )
        self.stdout.write(f"list throughput = {ratio:.0%} of the trivial view's")
        path = Path(options["json"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=2))
        if results["mix"]["errors"]:
            raise CommandError("The load run had errors.")

    def start_gunicorn(self, port):
        env = {**os.environ, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
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
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
                "--log-level",
                "warning",
            ],
            env=env,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                return server
            except OSError:
                time.sleep(0.2)
        server.kill()
        raise CommandError("gunicorn did not start")

    def log_in(self, base):
        """Log in as the demo staff member through the real login page."""
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{base}/backoffice/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"username": "staff@example.com", "password": "staff", "csrfmiddlewaretoken": token}
        ).encode()
        opener.open(f"{base}/backoffice/login/", body)
        cookies = {cookie.name: cookie.value for cookie in jar}
        if "sessionid" not in cookies:
            raise CommandError("Could not log in as staff@example.com (is the demo shop loaded?)")
        return "; ".join(f"{k}={v}" for k, v in cookies.items()), cookies["csrftoken"]

    def wrk(self, base, cookie, csrf, options, *, seconds, mix=(80, 15, 5), trivial=False):
        rng = random.Random(seconds)
        sample = (
            list(Return.objects.order_by("?").values_list("pk", flat=True)[:300])
            if not trivial
            else []
        )
        customers = list(
            Customer.objects.filter(returns__pk__in=sample[:50]).values_list(
                "user__email", flat=True
            )
        )
        lists = (
            ["/healthz"]
            if trivial
            else [
                "/backoffice/returns/",
                *[f"/backoffice/returns/?status={status}" for status in Status.values],
                *[
                    f"/backoffice/returns/?q={urllib.parse.quote(email)}"
                    for email in customers[:20]
                ],
                *[f"/backoffice/returns/?q=RET-{pk:06d}" for pk in sample[:20]],
            ]
        )
        pages = [f"/backoffice/returns/{pk}/" for pk in sample] or ["/healthz"]
        saves = self.saves(rng, count=max(200, seconds * 40)) if mix[2] else []
        threads = 2
        script = LUA % {
            "cookie": lua(cookie),
            "csrf": lua(csrf),
            "lists": lua(lists),
            "pages": lua(pages),
            "saves": lua(saves),
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
        return self.parse(output)

    def saves(self, rng, *, count):
        start = rng.randint(0, max(0, Return.objects.filter(status=Status.NEW).count() - count - 1))
        candidates = list(
            Return.objects.filter(status=Status.NEW, update_stock=True).order_by("pk")[
                start : start + count
            ]
        )
        lines = {}
        for line in ReturnLine.objects.filter(rma__in=candidates):
            lines.setdefault(line.rma_id, []).append(line)
        saves = []
        for rma in candidates:
            data = {
                "version": rma.version,
                "status": Status.APPROVED,
                "update_stock": "on",
                "notify_customer": "on",
            }
            data["reason" if rma.reason_id else "reason_text"] = (
                rma.reason_id or rma.reason_text or "Does not fit"
            )
            if rma.action_id:
                data["action"] = rma.action_id
            for line in lines.get(rma.pk, []):
                data[f"line_{line.pk}"] = line.quantity
            saves.append([f"/backoffice/returns/{rma.pk}/", urllib.parse.urlencode(data)])
        return saves

    def parse(self, output: str) -> dict:
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
