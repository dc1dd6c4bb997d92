"""Settings for the test suite: the project's own production settings (DEBUG stays off),
with as few changes as plain-HTTP tests need, each one explained. DATABASE_URL still
decides SQLite (default) or PostgreSQL (CI).

tests/security/test_deploy_settings.py checks the production values themselves, by loading
returns_backoffice/settings.py without these overrides.
"""

import atexit
import os
import shutil
import tempfile

# A public key, but one that passes the strength rule settings.py applies when DEBUG is
# off (50+ characters, 5+ different ones), so the tests run the production code path.
os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
# The test client and the browser tests' live server speak plain HTTP: with the redirect
# every request would answer 301 to https://.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Browsers drop Secure and __Host- cookies set over plain HTTP, so browser tests against
# the live server could not log in. (Django's test client would not care.)
os.environ.setdefault("SECURE_COOKIES", "false")
# Photos go to a folder of their own per test process, removed when the process ends.
if "PRIVATE_MEDIA_ROOT" not in os.environ:
    os.environ["PRIVATE_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="rb-photos-")
    atexit.register(shutil.rmtree, os.environ["PRIVATE_MEDIA_ROOT"], ignore_errors=True)
# HSTS needs no override: SecurityMiddleware only sends it on HTTPS responses.

from returns_backoffice.settings import *  # noqa: F403

# Speed only: hashing with PBKDF2 would make every login in the suite slow.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Production serves collected, hashed static files; tests never run collectstatic.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# E-mails are kept in memory for assertions instead of going anywhere.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
