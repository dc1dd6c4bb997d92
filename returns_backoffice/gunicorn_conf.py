"""gunicorn settings: `gunicorn returns_backoffice.wsgi -c returns_backoffice/gunicorn_conf.py`.

With PROMETHEUS_MULTIPROC_DIR set, every worker process writes its metrics to that
directory and /metrics sums them; a worker that exits is marked dead so its live gauges
stop counting (prometheus_client's multiprocess mode)."""

import os


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
