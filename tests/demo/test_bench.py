"""A smoke run of the benchmark on a small shop: every page it times answers, our pages
stay within the query budget, and each is compared with the plain admin changelist (the
large run is `make bench`)."""

import json

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_page_benchmark_runs_and_our_pages_stay_within_ten_queries(settings, tmp_path):
    settings.DEBUG = True
    call_command("seed_demo", "--customers", "5", "--orders", "80", "--returns", "150")
    settings.DEBUG = False
    target = tmp_path / "pages.json"
    call_command("bench_pages", "--requests", "8", "--json", str(target))
    figures = json.loads(target.read_text())
    pages = {page["name"]: page for page in figures["pages"]}
    assert {"admin list", "admin status filter", "admin search e-mail"} <= set(pages)
    save = pages.pop("save: approve, restock, e-mail")
    assert save["statuses"] == [302]
    assert save["ratio"] is not None
    assert save["queries"] <= 30
    for name, page in pages.items():
        assert set(page["statuses"]) == {200}, name
        if not name.startswith(("admin", "project's")):
            assert page["queries"] <= 10, (name, page["queries"])
    # Every page of the table is there, each with its ratio to an admin page.
    for name in ("returns list", "status tab", "reason filter", "search e-mail", "return page"):
        assert pages[name]["ratio"] > 0, name
    assert sum("deep" in name for name in pages) == 3  # one per sort
    assert figures["targets"]
