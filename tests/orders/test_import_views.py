"""Settings > Import orders in the browser: upload → preview → confirm → progress → done,
with the task worker run at once (django-tasks' ImmediateBackend), admins only."""

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from orders.models import ImportJob, Order, OrderLine

from .test_import import GOOD


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """A storage directory of this test's own, to see which files are left."""
    imports = settings.STORAGES["imports"]
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {**imports, "OPTIONS": {**imports["OPTIONS"], "location": str(tmp_path)}},
    }


@pytest.fixture
def immediate_tasks(settings, django_capture_on_commit_callbacks):
    """Tasks run when they are enqueued (the views enqueue them on commit)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    global COMMIT
    COMMIT = django_capture_on_commit_callbacks
    yield
    COMMIT = None


COMMIT = None


def post(client, url, data=None):
    """A POST whose on-commit hooks run, as they would after a real commit."""
    if COMMIT is None:
        return client.post(url, data or {})
    with COMMIT(execute=True):
        return client.post(url, data or {})


def upload(client, content: bytes, name="orders.csv"):
    return post(
        client,
        "/backoffice/settings/import-orders/",
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_upload_preview_confirm_progress_done(admin_client, immediate_tasks):
    page = admin_client.get("/backoffice/settings/import-orders/")
    assert page.status_code == 200
    assert "customer_language" in page.text and "example.csv" in page.text

    response = upload(admin_client, GOOD)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.state == ImportJob.State.READY and job.lines_total == 4
    assert storages["imports"].exists(job.file) and len(job.file) > 30  # unguessable
    assert not Order.objects.exists()  # a preview only

    preview = admin_client.get(job.get_absolute_url())
    assert "What the import would do" in preview.text
    assert preview.context["job"].preview["orders"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert 'http-equiv="refresh"' not in preview.text
    assert "/confirm/" in preview.text

    response = post(admin_client, f"{job.get_absolute_url()}confirm/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.lines_done == 4
    assert job.result["orders"]["created"] == 3 and job.finished_at
    assert Order.objects.count() == 3
    assert not job.file and not storages["imports"].listdir("")[1]  # the file is gone
    done = admin_client.get(job.get_absolute_url())
    assert "What the import did" in done.text and 'http-equiv="refresh"' not in done.text

    # Confirming again does nothing more.
    post(admin_client, f"{job.get_absolute_url()}confirm/")
    assert Order.objects.count() == 3

    # The same file again: everything unchanged.
    upload(admin_client, GOOD)
    second = ImportJob.objects.order_by("-pk").first()
    assert second.preview["orders"] == {"created": 0, "updated": 0, "unchanged": 3}


def test_a_running_job_shows_its_progress_and_refreshes_itself(admin_client):
    job = ImportJob.objects.create(
        state=ImportJob.State.IMPORTING, original_name="big.csv", lines_total=1000, lines_done=250
    )
    page = admin_client.get(job.get_absolute_url())
    assert '<meta http-equiv="refresh" content="2">' in page.text
    assert '<progress id="import-progress" class="progress" max="1000" value="250">' in page.text
    assert "250 of 1000 lines" in page.text
    assert "/confirm/" not in page.text


def test_a_bad_file_lists_its_problems_offers_no_import_and_keeps_no_file(
    admin_client, immediate_tasks
):
    upload(admin_client, GOOD.replace(b"SOCKS,Socks,1,", b"SOCKS,Socks,-1,"))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.INVALID and job.error_count == 1
    assert not job.file and not storages["imports"].listdir("")[1]
    page = admin_client.get(job.get_absolute_url())
    assert "quantity must be at least 1, not -1" in page.text
    assert "/confirm/" not in page.text
    assert post(admin_client, f"{job.get_absolute_url()}confirm/").status_code == 302
    assert not Order.objects.exists()


def test_a_refusal_by_the_rules_shows_in_the_preview(admin_client, immediate_tasks):
    upload(admin_client, GOOD)
    post(admin_client, f"{ImportJob.objects.get().get_absolute_url()}confirm/")
    OrderLine.objects.filter(order__number="1001", sku="TS-M").update(returned_quantity=2)
    upload(admin_client, GOOD.replace(b"TS-M,T-shirt M,2,", b"TS-M,T-shirt M,1,"))
    job = ImportJob.objects.order_by("-pk").first()
    assert job.state == ImportJob.State.INVALID
    assert job.errors == [
        [
            2,
            "Order 1001: Returns hold 2 of the line with SKU TS-M: its quantity and shipped "
            "quantity cannot be less.",
        ]
    ]
    assert "/confirm/" not in admin_client.get(job.get_absolute_url()).text
    assert OrderLine.objects.get(order__number="1001", sku="TS-M").quantity == 2


def test_discard_deletes_the_file_and_writes_nothing(admin_client, immediate_tasks):
    upload(admin_client, GOOD)
    job = ImportJob.objects.get()
    response = post(admin_client, f"{job.get_absolute_url()}discard/")
    assert response.status_code == 302
    assert response["Location"] == "/backoffice/settings/import-orders/"
    job.refresh_from_db()
    assert job.state == ImportJob.State.DISCARDED and not job.file
    assert not storages["imports"].listdir("")[1] and not Order.objects.exists()


def test_the_example_file_imports_cleanly(admin_client, immediate_tasks):
    example = admin_client.get("/backoffice/settings/import-orders/example.csv")
    assert example["Content-Type"].startswith("text/csv")
    upload(admin_client, example.content)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.READY, job.errors
    assert job.preview["orders"]["created"] == 2


def test_only_admins(staff_client, immediate_tasks):
    job = ImportJob.objects.create(state=ImportJob.State.READY, original_name="x.csv")
    urls = [
        "/backoffice/settings/import-orders/",
        "/backoffice/settings/import-orders/example.csv",
        job.get_absolute_url(),
    ]
    for url in urls:
        assert staff_client.get(url).status_code == 403
        assert Client().get(url)["Location"].startswith("/backoffice/login/")
    assert upload(staff_client, GOOD).status_code == 403
    assert post(staff_client, f"{job.get_absolute_url()}confirm/").status_code == 403
    assert post(staff_client, f"{job.get_absolute_url()}discard/").status_code == 403
    assert ImportJob.objects.count() == 1 and not Order.objects.exists()
    job.refresh_from_db()
    assert job.state == ImportJob.State.READY


def test_a_file_left_unconfirmed_for_a_week_goes_at_the_next_upload(admin_client, immediate_tasks):
    from datetime import timedelta

    from django.utils import timezone

    upload(admin_client, GOOD)
    old = ImportJob.objects.get()
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert storages["imports"].exists(old.file)
    upload(admin_client, GOOD)
    old.refresh_from_db()
    assert old.state == ImportJob.State.DISCARDED and not old.file
    assert len(storages["imports"].listdir("")[1]) == 1  # the new upload's
