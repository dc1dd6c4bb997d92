"""Real Chromium (Debian's, never a downloaded one) driven by Playwright's sync API against
pytest-django's live server, which also serves the static files.

One browser for the whole session, a fresh context (cookies, storage) per test. Without
`chromium` on the PATH the tests skip and say why; CI installs Chromium and fails on any
skip, so there they always run.
"""

import contextlib
import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

from .helpers import SCREENSHOTS
from .shop import build_shop

CHROMIUM = shutil.which("chromium")
SKIP_REASON = (
    "" if CHROMIUM else "Chromium is not installed (apt-get install chromium); CI installs it"
)

HERE = Path(__file__).resolve().parent
# Headless, and quiet: this machine's network is closed, and Chromium would otherwise
# keep trying Google's hosts for updates, sync and field trials.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Pages render in well under a second; a locator that is not there after this is a
# failure, and a failing test should not wait Playwright's default 30 s to say so.
ACTION_TIMEOUT_MS = 5_000
NAVIGATION_TIMEOUT_MS = 10_000
VIEWPORT = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(config, items):
    ours = [item for item in items if HERE in Path(item.path).parents]
    for item in ours:
        item.add_marker(pytest.mark.browser)
        if SKIP_REASON:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))
    # Browser tests run last: while Playwright runs, its event loop counts as running in
    # this thread, which Django's ORM would refuse in every other test (see `browser`).
    others = [item for item in items if item not in ours]
    items[:] = others + ours


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_failed = report.failed
    return report


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an asyncio loop running in this thread, and Django's
    # ORM refuses to run in a thread with a running loop. The test code here is plain
    # synchronous code that merely shares the thread, so the check is switched off while
    # the browser lives (and browser tests run last, see above).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser, live_server, request):
    """new_context() -> a fresh browser context (its own cookies: its own login) on the
    live server, in English unless `locale` says otherwise. Closed after the test; on
    failure each of its pages leaves a screenshot in artifacts/screenshots/failures/."""
    contexts = []

    def make(**options):
        options = {
            "base_url": live_server.url,
            "viewport": VIEWPORT,
            "locale": "en-GB",
            "timezone_id": "Europe/Amsterdam",
            **options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        context.page_errors = []
        context.on("page", lambda page: _watch(page, context.page_errors))
        contexts.append(context)
        return context

    yield make
    failed = getattr(request.node, "browser_failed", False)
    for number, context in enumerate(contexts):
        if failed:
            _screenshot_failure(context, request.node, number)
        context.close()
    errors = [error for context in contexts for error in context.page_errors]
    assert not errors, "errors in the browser:\n" + "\n".join(errors)


def _watch(page, errors):
    # Uncaught JavaScript errors and Content-Security-Policy refusals fail the test: both
    # mean a page does not work as written, whatever its text says.
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.on(
        "console",
        lambda message: (
            errors.append(f"{page.url}: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )


def _screenshot_failure(context, node, number):
    folder = SCREENSHOTS / "failures"
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", node.nodeid.split("::", 1)[-1])
    for index, page in enumerate(context.pages):
        with contextlib.suppress(PlaywrightError):  # a crashed page has nothing to show
            page.screenshot(path=folder / f"{name}-{number}-{index}.png", full_page=True)


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def shop(transactional_db):
    return build_shop()
