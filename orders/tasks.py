"""Background work of the orders app, through the Django Tasks API (as notifications)."""

from django_tasks import task


@task()
def import_job_step(job_id: int) -> str:
    """Check and preview an uploaded order file, or import it once confirmed
    (orders.importing.import_job_work, which says what it guarantees)."""
    from .importing import import_job_work  # importing enqueues this task

    return import_job_work(job_id=job_id)
