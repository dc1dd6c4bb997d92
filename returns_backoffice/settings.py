"""Settings for the returns backoffice.

Everything that differs between a laptop and production comes from the environment
(django-environ); `.env.example` documents every variable. The defaults are safe for
production: DEBUG off, a strong secret key required, no hosts allowed, HTTPS only, strict
headers. `python manage.py check --deploy --fail-level WARNING` passes with them (CI runs it).
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)


def _weak_secret(key: str) -> bool:
    # The same rule as Django's own deploy check (security.W009), so a key that passes
    # here passes there.
    return (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


SECRET_KEY = env.str("SECRET_KEY", default="")
# Older keys still accepted for signatures (sessions, password reset links) while rotating.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
if not DEBUG:
    for name, key in [("SECRET_KEY", SECRET_KEY)] + [
        ("SECRET_KEY_FALLBACKS", key) for key in SECRET_KEY_FALLBACKS
    ]:
        if _weak_secret(key):
            raise ImproperlyConfigured(
                f"{name} must be at least {SECRET_KEY_MIN_LENGTH} random characters "
                f"(at least {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones, not starting "
                f"with {SECRET_KEY_INSECURE_PREFIX!r}) when DEBUG is off. Generate one with "
                '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
            )
elif not SECRET_KEY:
    # Only ever used with DEBUG on (the demo shop on a laptop).
    SECRET_KEY = "django-insecure-demo-only-never-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form gets a page of its side that says what to do (not Django's bare page).
CSRF_FAILURE_VIEW = "returns_backoffice.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Ours first of all: the kernel, whose `db_worker` command replaces django-tasks-db's
    # (Django takes a command from the first app in this list that has it).
    "core",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    # The feature apps, in dependency order: each app may use the ones above it.
    "accounts",
    "inventory",
    "orders",
    "notifications",
    "returns",
    "billing",
    "api",
    "webhooks",
    "demo",
]

MIDDLEWARE = [
    # First: every log line of the request, and the task its save queues, carries its id.
    "core.request_id.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the user read in the session's own query (accounts.sessions).
    "accounts.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A selector's NotFound (a domain error) is the site's 404 page.
    "core.middleware.NotFoundMiddleware",
    # Last, as django-axes asks: it turns a login refused for too many failures into the
    # lockout response (see accounts/throttling.py).
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "returns_backoffice.urls"
WSGI_APPLICATION = "returns_backoffice.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.shop",
            ],
        },
    },
]
# Every form renders through one shared field template (templates/forms/).
FORM_RENDERER = "core.forms.FormRenderer"

# --- Database -------------------------------------------------------------------------
# SQLite is the embedded default for the demo; production and CI use PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the task worker write at the same time; WAL plus immediate
    # transactions turn "database is locked" into a short wait.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    # Parameters sent apart from the SQL (server-side binding), and a statement run this
    # many times on one connection kept prepared: PostgreSQL then plans a page's queries
    # once per connection instead of on every request. Behind PgBouncer in transaction
    # mode, set DB_PREPARE_THRESHOLD=0 (off): prepared statements do not survive there.
    _options["server_side_binding"] = env.bool("DB_SERVER_SIDE_BINDING", default=True)
    _prepare_threshold = env.int("DB_PREPARE_THRESHOLD", default=2)
    _options["prepare_threshold"] = _prepare_threshold or None
    # PostgreSQL's Memoize node cost half of the returns list's query (a cache of
    # per-row lookups that hit once each); the pages' joins are one row per key anyway.
    if not env.bool("DB_MEMOIZE", default=False):
        _options["options"] = (_options.get("options", "") + " -c enable_memoize=off").strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:backoffice-login"
# The throttle comes first: it refuses a locked-out login before the password is checked.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LoginThrottleBackend",
    # Django's ModelBackend, with all of a user's permissions in one query.
    "accounts.backends.EmailBackend",
]
# Checked wherever a password is set through a form (createsuperuser, the Django admin).
# No composition rules (ASVS 6.2.5); 12 characters, common and all-digit passwords refused.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Login throttling (django-axes) ---------------------------------------------------
# Failures are counted per e-mail address *and* client IP together: a guesser is stopped,
# but nobody can lock someone else out from another address. The lock lifts by itself
# after the cool-off, counted from the last failure before it; attempts made while locked
# do not extend it. A successful login clears the count.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Our login forms call the e-mail field "username" (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.throttling.login_username"
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
# Quiet start-up; failures and lockouts are still logged (without address or IP).
AXES_VERBOSE = False
# Reverse proxies in front of this app that append to X-Forwarded-For (0: none, the client
# talks to gunicorn directly). Only that many entries from the right are trusted.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Sessions and cookies ---------------------------------------------------------------
# Backoffice (and Django admin) sessions end after SESSION_COOKIE_AGE seconds from login,
# and by default when the browser closes. Customers stay logged in longer: their login
# sets CUSTOMER_SESSION_AGE (orders.views.AccountLoginView).
# Database sessions (accounts.Session, Django's with a user column): one query per request
# reads the session, its user and the configuration version (core.config).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
CUSTOMER_SESSION_AGE = env.int("CUSTOMER_SESSION_AGE", default=14 * 24 * 60 * 60)
# Secure cookies travel over HTTPS only; the __Host- prefix also pins them to this host
# and path "/", so a sibling subdomain cannot plant or overwrite them.
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE_COOKIES else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE_COOKIES else "csrftoken"
# No script of ours reads a cookie.
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
# Lax keeps links from e-mails working (a GET from elsewhere arrives logged in) while a
# cross-site POST arrives without the session. "Strict" is allowed; "None" is not.
SESSION_COOKIE_SAMESITE = env.str("SESSION_COOKIE_SAMESITE", default="Lax")
if SESSION_COOKIE_SAMESITE not in ("Lax", "Strict"):
    raise ImproperlyConfigured("SESSION_COOKIE_SAMESITE must be Lax or Strict.")
CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = SESSION_COOKIE_SAMESITE

# --- HTTPS and security headers ---------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Behind a proxy that terminates TLS, e.g. "HTTP_X_FORWARDED_PROTO,https": the header the
# proxy sets (and strips from clients) and the value that means the request was HTTPS.
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header:
    if len(_proxy_ssl_header) != 2:
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER must be a header and a value, "
            "e.g. HTTP_X_FORWARDED_PROTO,https"
        )
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere (templates/ and static/ only); a test keeps it so.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# Where browsers report violations (optional). Not kept under its own name: django-csp
# reads a CSP_REPORT_URI setting as the old (3.x) configuration and refuses to start.
if _csp_report_uri := env.str("CSP_REPORT_URI", default=""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [_csp_report_uri]

# --- The API (/api/v1/, the `api` app) ---------------------------------------------------
REST_FRAMEWORK = {
    # A key first: its 401 names the scheme (WWW-Authenticate: Bearer).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ApiAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Returns backoffice API",
    "DESCRIPTION": (
        "Orders in, returns out. Authenticate with `Authorization: Bearer <key>` "
        "(Settings > API keys). Errors are RFC 9457 problem details."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReturnStatusEnum": "returns.workflow.Status",
        "OrderStatusEnum": "orders.models.Order.Status",
    },
}
# Requests per API key per window (seconds); beyond, 429 with Retry-After.
API_RATE_LIMIT = env.int("API_RATE_LIMIT", default=600)
API_RATE_WINDOW = env.int("API_RATE_WINDOW", default=60)
# The largest request body the API reads (bytes); beyond, 413.
API_MAX_BODY = env.int("API_MAX_BODY", default=1_000_000)

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("nl", "Nederlands"),
    ("de", "Deutsch"),
    ("fr", "Français"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["returns_backoffice.formats"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Amsterdam")
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic writes gzip and Brotli copies of every file for WhiteNoise (a minute of CPU);
# STATIC_COMPRESSED=false leaves them out (the CI's cluster proof: the same pages, bigger).
STATIC_COMPRESSED = env.bool("STATIC_COMPRESSED", default=True)
# Photos customers and staff attach to returns: private files, outside STATIC_ROOT and
# never served by WhiteNoise or a web server, only by the views that check who asks
# (returns.views). A folder by default; any Django storage backend (e.g. an S3-compatible
# bucket with django-storages) through PHOTOS_STORAGE_BACKEND and its options as JSON.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")
_photos_backend = env.str("PHOTOS_STORAGE_BACKEND", default="core.storage.PrivateFileSystemStorage")
_photos_options = env.json("PHOTOS_STORAGE_OPTIONS", default={})
if _photos_backend == "core.storage.PrivateFileSystemStorage":
    _photos_options = {"location": str(PRIVATE_MEDIA_ROOT), **_photos_options}
# No form takes more than 10 files (5 photos with a request, 10 inspection photos at a
# time): a request with more is refused (400) before any of them is written to disk.
DATA_UPLOAD_MAX_NUMBER_FILES = 10
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "photos": {"BACKEND": _photos_backend, "OPTIONS": _photos_options},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_COMPRESSED
            else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        ),
    },
    # Uploaded order files (Settings > Import orders) wait here between the preview and
    # the import, under unguessable names, readable by this user only, never served. The
    # web processes and the task worker must see the same place (one host, a shared
    # volume, or an object-storage backend configured here instead).
    "imports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env.str("IMPORT_FILES_DIR", default=str(BASE_DIR / "var" / "imports")),
            "base_url": "/not-served/",
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
}

# --- E-mail ---------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.com:587 or consolemail://
_email = env.email_url("EMAIL_URL", default="consolemail://")
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    # The same, with a timeout per SMTP phase (notifications/smtp.py).
    _email["EMAIL_BACKEND"] = "notifications.smtp.EmailBackend"
vars().update(_email)
# Seconds to wait for the SMTP server at every step up to the end of a message: a timeout
# there means the message was not taken, and it is tried again later.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10)
# Seconds to wait for the server's answer once a message has been sent: giving up earlier
# sends it again although the server may have taken it. RFC 5321 §4.5.3.2.6: 10 minutes.
EMAIL_FINAL_REPLY_TIMEOUT = env.float("EMAIL_FINAL_REPLY_TIMEOUT", default=600)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Demo Shop <shop@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background work ------------------------------------------------------------------
# E-mails are delivered by a worker through the Django Tasks API. "db" (the default) keeps
# the queue in the database (`manage.py db_worker`); "rq" puts it on Redis at REDIS_URL
# (`manage.py rqworker default --with-scheduler`). Nothing else changes between the two.
TASKS_BACKEND = env.str("TASKS_BACKEND", default="db")
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
# A job may run as long as one delivery can take (RQ kills longer ones, and a delivery
# killed after the message was sent would be sent again).
RQ_QUEUES = {
    "default": {
        "URL": REDIS_URL,
        "DEFAULT_TIMEOUT": int(max(300, EMAIL_FINAL_REPLY_TIMEOUT + 10 * EMAIL_TIMEOUT + 60)),
    }
}
# /metrics (core.metrics) answers only to these networks (Prometheus scraping each host).
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
if TASKS_BACKEND == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # RQ workers must run jobs through django-tasks' Task objects.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
else:
    raise ImproperlyConfigured('TASKS_BACKEND must be "db" or "rq".')
# Seconds to wait before each retry of an e-mail after a temporary SMTP failure; when they
# are used up the e-mail is failed (1 min, 5 min, 30 min, 2 h, 6 h: 6 attempts in ~8.6 h).
EMAIL_RETRY_DELAYS = env.list(
    "EMAIL_RETRY_DELAYS", cast=float, default=[60, 300, 1800, 7200, 21600]
)
# The outbox sweep: an e-mail "sending" for longer than this (seconds) lost its worker;
# one queued and overdue by longer than this lost its task.
OUTBOX_STUCK_AFTER = env.int("OUTBOX_STUCK_AFTER", default=900)
OUTBOX_LOST_AFTER = env.int("OUTBOX_LOST_AFTER", default=300)

# --- Webhooks (README, "Webhooks") ----------------------------------------------------
# Endpoints at loopback, private, link-local or metadata addresses are refused (on save
# and before every request) unless this is on: only for a receiver on your own network.
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)
# Seconds to wait for the connection, and for the whole request.
WEBHOOK_CONNECT_TIMEOUT = env.float("WEBHOOK_CONNECT_TIMEOUT", default=3)
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10)
# An endpoint that has failed without a break for this long (seconds) is paused.
WEBHOOK_PAUSE_AFTER = env.int("WEBHOOK_PAUSE_AFTER", default=3 * 24 * 3600)

# --- The shop -------------------------------------------------------------------------
SHOP_NAME = env.str("SHOP_NAME", default="Demo Shop")
SHOP_EMAIL = env.str("SHOP_EMAIL", default="shop@example.com")
# The currency of every amount (ISO 4217); the API states it next to each price.
SHOP_CURRENCY = env.str("SHOP_CURRENCY", default="EUR")
# The language of the e-mails SHOP_EMAIL receives (the people reading that mailbox).
SHOP_EMAIL_LANGUAGE = env.str("SHOP_EMAIL_LANGUAGE", default=LANGUAGE_CODE)
if SHOP_EMAIL_LANGUAGE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        "SHOP_EMAIL_LANGUAGE must be one of: " + ", ".join(code for code, _name in LANGUAGES)
    )
# The port `make run` serves the demo on; links in e-mails follow it unless SITE_URL is set.
PORT = env.int("PORT", default=8000)
# Absolute address of this site, used for links in e-mails.
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{PORT}").rstrip("/")

# One console handler, on the root logger: every line once (Django's own console handler
# on the "django" logger, active with DEBUG on, printed each django.* line a second time),
# and a 403 or 404 as one line without a traceback.
# LOG_FORMAT=json: one JSON object per line (for a log collector), with the request id
# that also follows a save into the task that sends its e-mail; text: for people.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured('LOG_FORMAT must be "text" or "json".')
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_client_error_tracebacks": {"()": "core.log_filters.NoTracebackForClientErrors"},
        "request_id": {"()": "core.request_id.RequestIdFilter"},
    },
    "formatters": {
        "text": {"format": "%(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["no_client_error_tracebacks", "request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs each rendering step at INFO; only its warnings matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
