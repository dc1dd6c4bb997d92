"""What the browser tests do again and again, the way a person does it: by visible labels
and roles (SPEC §8), never by CSS classes or ids."""

import json
import os
import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from .shop import PASSWORD

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
DOCS_SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"
# axe-core impacts that fail a page; "minor" and "moderate" are reported, not fatal.
FATAL_IMPACTS = ("serious", "critical")
# axe's default rules (WCAG 2.0-2.2 A/AA and best practices), plus WCAG 2.2's target size
# (2.5.8, AA), which axe leaves off by default: staff click these links all day.
AXE_OPTIONS = {"rules": {"target-size": {"enabled": True}}, "resultTypes": ["violations"]}

LOGIN_URLS = {"backoffice": "/backoffice/login/", "account": "/account/login/"}


def log_in(page: Page, email: str, *, side: str = "backoffice", password: str = PASSWORD):
    """Log in through the real login page of `side`, by its English labels."""
    page.goto(LOGIN_URLS[side])
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def menu(page: Page) -> Locator:
    """The backoffice's left menu."""
    return page.get_by_role("navigation", name="Main menu")


def go_to(page: Page, label: str, *, menu_name: str = "Main menu") -> None:
    """Click `label` in the left menu and wait for that page (its heading says `label`)."""
    page.get_by_role("navigation", name=menu_name).get_by_role(
        "link", name=label, exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)


def cell(table: Locator, *, row: str, column: str) -> Locator:
    """The cell of `table` in the body row that contains `row`, under the header `column`.
    The table must be the one on the page already shown (wait for its heading first)."""
    expect(table.get_by_role("columnheader").filter(has_text=column).first).to_be_visible()
    # text_content, not inner_text: the headers are upper-cased by CSS only.
    headers = [text.strip() for text in table.get_by_role("columnheader").all_text_contents()]
    return (
        table.get_by_role("row").filter(has_text=row).get_by_role("cell").nth(headers.index(column))
    )


def screenshot(page: Page, name: str) -> Path:
    """A screenshot of the page as a test artifact (artifacts/screenshots/NAME.png); with
    DOCS_SCREENSHOTS=1 (`make screenshots`) the README's ones are refreshed too."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def docs_screenshot(page: Page, name: str) -> None:
    """Write docs/screenshots/NAME.png (the README's) when DOCS_SCREENSHOTS=1."""
    if os.environ.get("DOCS_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        # At most one window high (what a reader takes in at a glance), no empty space below.
        height = min(page.viewport_size["height"], page.evaluate("document.body.scrollHeight"))
        page.screenshot(
            path=DOCS_SCREENSHOTS / f"{name}.png",
            clip={"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height},
        )


def axe_violations(page: Page, name: str) -> list[dict]:
    """Run axe-core on the page; write its violations to artifacts/axe/NAME.json and
    return them.

    axe is injected with page.evaluate (the DevTools protocol), which a page's
    Content-Security-Policy does not govern, so no CSP bypass is needed.
    """
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page, options=AXE_OPTIONS).response
    violations = response["violations"]
    folder = ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    summary = {
        "url": page.url,
        "passes": len(response["passes"]),
        "violations": [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "helpUrl": violation["helpUrl"],
                "targets": [node["target"] for node in violation["nodes"]],
            }
            for violation in violations
        ],
        # What axe could not decide alone (e.g. contrast over a gradient): for a person.
        "needs_review": [
            {"id": item["id"], "targets": [node["target"] for node in item["nodes"]]}
            for item in response["incomplete"]
        ],
    }
    (folder / f"{name}.json").write_text(json.dumps(summary, indent=2))
    return violations


def describe(violations: list[dict]) -> str:
    """The violations as a person reads them: rule, impact, what to fix, where, and why."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f"\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"][:10]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def fatal_violations(page: Page, name: str) -> str:
    """The serious and critical axe-core violations of the page, described ("" if none)."""
    fatal = [v for v in axe_violations(page, name) if v["impact"] in FATAL_IMPACTS]
    return f"{name} ({page.url}):\n{describe(fatal)}" if fatal else ""


def assert_accessible(page: Page, name: str) -> None:
    report = fatal_violations(page, name)
    assert not report, f"axe-core found on {report}"


def fact(page: Page, term: str) -> Locator:
    """The value next to `term` in a page's facts (a description list)."""
    return page.get_by_role("term").filter(has_text=term).locator("xpath=following-sibling::dd[1]")


def history_entry(page: Page, title: str) -> Locator:
    """The history entry (a list item) whose title is `title`."""
    return page.get_by_role("listitem").filter(has=page.get_by_text(title, exact=True))


def save_status(page: Page, status: str) -> None:
    """On a return's page: choose `status`, Save, and wait for the page that says so."""
    page.get_by_label("Status").select_option(label=status)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    expect(page.get_by_role("heading", level=1)).to_contain_text(status)


def on_hand(page: Page, *, product: str, sku: str) -> Locator:
    """Products > product: the On hand cell of one variant."""
    go_to(page, "Products")
    page.get_by_role("link", name=product, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(product)
    variants = page.get_by_role("table").filter(
        has=page.get_by_role("columnheader", name="On hand")
    )
    return cell(variants, row=sku, column="On hand")
