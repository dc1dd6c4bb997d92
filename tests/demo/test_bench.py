"""A smoke run of the benchmark on a small shop: every page it times answers, and every
page of ours stays within the query budget (the large run is `make bench`)."""

import json

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_page_benchmark_runs_and_our_pages_stay_within_ten_queries(settings, tmp_path):
    settings.DEBUG = True
    call_command("seed_demo", "--customers", "5", "--orders", "60", "--returns", "80")
    settings.DEBUG = False
    target = tmp_path / "pages.json"
    call_command("bench_pages", "--requests", "3", "--json", str(target))
    figures = json.loads(target.read_text())
    pages = {page["name"]: page for page in figures["pages"]}
    assert len(pages) == 13
    save = pages.pop("save: approve, restock, e-mail")
    assert save["statuses"] == [302]
    # A save locks, checks, writes the return, its history, the counts, the stock ledger
    # and the outbox: a budget of its own.
    assert save["queries"] <= 30
    for name, page in pages.items():
        assert set(page["statuses"]) == {200}, name
        if not name.startswith("django admin"):
            assert page["queries"] <= 10, (name, page["queries"])
