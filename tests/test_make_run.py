"""`make run`: the web server, and beside it a task worker and an outbox sweep that are
started again when they exit; links in e-mails follow PORT.

The recipe runs for real (make, bin/keep-running, the shell's traps), with MANAGE pointed
at a stand-in for manage.py that writes down how it was called and what SITE_URL the
project's settings give it, then behaves like the command it stands for would in trouble:
the worker and the sweep exit at once (a crash), the web server runs for a few seconds.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

FAKE_MANAGE = textwrap.dedent(
    """
    import json, os, runpy, sys, time
    command = sys.argv[1]
    base = os.environ["BASE_DIR"]
    settings = runpy.run_path(os.path.join(base, "returns_backoffice", "settings.py"))
    with open(os.environ["CALLS"], "a") as calls:
        calls.write(json.dumps({
            "command": command, "args": sys.argv[2:], "pid": os.getpid(),
            "SITE_URL": settings["SITE_URL"],
        }) + "\\n")
    if command == "runserver":
        time.sleep(float(os.environ["SERVE_SECONDS"]))
    sys.exit(1 if command in ("db_worker", "outbox_sweep") else 0)
    """
)

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def make_run(tmp_path, *, serve_seconds: float, **environment) -> list[dict]:
    script = tmp_path / "manage.py"
    script.write_text(FAKE_MANAGE)
    calls = tmp_path / "calls.jsonl"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SITE_URL", "PORT", "DEBUG", "MAKEFLAGS", "MFLAGS")
    }
    env.update(
        BASE_DIR=str(BASE_DIR),
        CALLS=str(calls),
        SERVE_SECONDS=str(serve_seconds),
        **environment,
    )
    # -o: never (re)install the virtualenv here; MANAGE: the stand-in.
    subprocess.run(  # noqa: S603
        [  # noqa: S607 (make from the PATH, as a person runs it)
            "make",
            "--no-print-directory",
            "-o",
            ".venv/.installed",
            "run",
            f"MANAGE={sys.executable} {script}",
            *(f"{key}={value}" for key, value in environment.items() if key == "PORT"),
        ],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
    )
    return [json.loads(line) for line in calls.read_text().splitlines()]


def test_make_run_restarts_the_worker_and_the_sweep_and_stops_them_with_the_server(tmp_path):
    calls = make_run(tmp_path, serve_seconds=8)
    commands = [call["command"] for call in calls]
    assert commands[:2] == ["migrate", "seed_demo"]
    # Exited at once each time, started again after 1 s, 2 s, 4 s: three runs or more in
    # the 8 s the server runs, even on a slow machine.
    assert commands.count("db_worker") >= 3, commands
    assert commands.count("outbox_sweep") >= 3, commands
    assert commands.count("runserver") == 1
    # Nothing is left running once the server has stopped.
    time.sleep(1.5)
    calls_after = (tmp_path / "calls.jsonl").read_text().count("\n")
    assert calls_after == len(calls)


def test_make_run_with_another_port_serves_there_and_links_follow(tmp_path):
    calls = make_run(tmp_path, serve_seconds=0.5, PORT="8123")
    server = next(call for call in calls if call["command"] == "runserver")
    assert server["args"] == ["127.0.0.1:8123"]
    # Every process (the worker sends the e-mails) builds links to that port.
    assert {call["SITE_URL"] for call in calls} == {"http://127.0.0.1:8123"}


def test_an_explicit_site_url_wins_over_the_port(tmp_path):
    calls = make_run(tmp_path, serve_seconds=0.5, PORT="8123", SITE_URL="https://shop.example.com/")
    assert {call["SITE_URL"] for call in calls} == {"https://shop.example.com"}
