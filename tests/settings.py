"""Settings for the test suite: the project's own settings, with a throwaway secret and a
fast password hasher. DATABASE_URL still decides SQLite (default) or PostgreSQL (CI)."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")

from returns_backoffice.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
