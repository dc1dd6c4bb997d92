"""Production settings plus the plain admin changelist that `make bench` measures against
(returns_backoffice.bench_admin). Only the benchmark uses this module
(DJANGO_SETTINGS_MODULE=returns_backoffice.bench_settings); the site itself never mounts it."""

from .settings import *  # noqa: F403

ROOT_URLCONF = "returns_backoffice.bench_admin"
