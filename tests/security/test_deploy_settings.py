"""The production settings: Django's deployment checks pass with them, a weak secret is
refused, and every security setting has its secure default when DEBUG is off.

The test suite itself runs on tests/settings.py (plain HTTP); these tests load
returns_backoffice/settings.py afresh with a production-like environment instead.
"""

import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS = BASE_DIR / "returns_backoffice" / "settings.py"
README = BASE_DIR / "README.md"
ENV_EXAMPLE = BASE_DIR / ".env.example"


def _settings_variables() -> set[str]:
    """Every environment variable settings.py reads (env.bool("DEBUG"...) and the like)."""
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', SETTINGS.read_text()))


def _clean_environment() -> dict[str, str]:
    # Without the variables tests/settings.py (or a developer's shell) set for the suite.
    ours = _settings_variables() | {"DJANGO_SETTINGS_MODULE"}
    return {name: value for name, value in os.environ.items() if name not in ours}


def production_environment(**overrides) -> dict[str, str]:
    return {
        **_clean_environment(),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "returns.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://returns.example.com",
        **overrides,
    }


def load_settings(monkeypatch, environment: dict[str, str]) -> dict:
    """returns_backoffice/settings.py evaluated under `environment` (no .env file)."""
    for name in _settings_variables():
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("environ.Env.read_env", lambda *args, **kwargs: None)
    return runpy.run_path(str(SETTINGS))


DEPLOY_CHECK = (
    "import django; django.setup(); from django.core.management import call_command; "
    "call_command('check', deploy=True, fail_level='WARNING')"
)


def _deploy_check(environment):
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", DEPLOY_CHECK],
        cwd=BASE_DIR,
        env={**environment, "DJANGO_SETTINGS_MODULE": "returns_backoffice.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_passes_with_production_settings():
    result = _deploy_check(production_environment())
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_the_deploy_check_fails_when_a_protection_is_switched_off():
    result = _deploy_check(production_environment(SECURE_HSTS_SECONDS="0"))
    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_production_defaults_are_the_secure_ones(monkeypatch):
    s = load_settings(monkeypatch, production_environment())
    assert s["DEBUG"] is False
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_HSTS_PRELOAD"] is True
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["LANGUAGE_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert s["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert s["SESSION_COOKIE_HTTPONLY"] and s["CSRF_COOKIE_HTTPONLY"]
    assert s["SESSION_COOKIE_SAMESITE"] == s["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert s["SECURE_REFERRER_POLICY"] == "same-origin"
    assert s["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert s["X_FRAME_OPTIONS"] == "DENY"
    assert "SECURE_PROXY_SSL_HEADER" not in s  # trusting a header is a deliberate choice
    assert s["SESSION_COOKIE_AGE"] == 8 * 60 * 60
    assert s["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert s["AXES_FAILURE_LIMIT"] == 5
    assert s["AXES_COOLOFF_TIME"].total_seconds() == 15 * 60
    assert s["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert s["TRUSTED_PROXY_COUNT"] == 0
    directives = s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]


def test_the_environment_tunes_them(monkeypatch):
    s = load_settings(
        monkeypatch,
        production_environment(
            SECURE_HSTS_SECONDS="3600",
            SECURE_HSTS_PRELOAD="false",
            SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
            TRUSTED_PROXY_COUNT="1",
            SESSION_COOKIE_AGE="1800",
            SESSION_COOKIE_SAMESITE="Strict",
            CUSTOMER_SESSION_AGE="86400",
            LOGIN_FAILURE_LIMIT="10",
            LOGIN_COOLOFF_MINUTES="30",
            CSP_REPORT_URI="https://csp.example.com/report",
        ),
    )
    assert s["SECURE_HSTS_SECONDS"] == 3600 and s["SECURE_HSTS_PRELOAD"] is False
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert s["TRUSTED_PROXY_COUNT"] == 1
    assert s["SESSION_COOKIE_AGE"] == 1800 and s["CUSTOMER_SESSION_AGE"] == 86400
    assert s["SESSION_COOKIE_SAMESITE"] == s["CSRF_COOKIE_SAMESITE"] == "Strict"
    assert s["AXES_FAILURE_LIMIT"] == 10
    assert s["AXES_COOLOFF_TIME"].total_seconds() == 30 * 60
    assert s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["report-uri"] == [
        "https://csp.example.com/report"
    ]


@pytest.mark.parametrize(
    "key",
    [
        "",
        "short-but-random-Zx81",
        "a" * 80,  # long, but one character
        "abcd" * 20,  # four different characters
        "django-insecure-" + secrets.token_urlsafe(50),
    ],
    ids=["empty", "short", "one character", "four characters", "django-insecure prefix"],
)
def test_a_weak_secret_key_is_refused_when_debug_is_off(monkeypatch, key):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(monkeypatch, production_environment(SECRET_KEY=key))


def test_a_weak_fallback_key_is_refused_too(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FALLBACKS"):
        load_settings(monkeypatch, production_environment(SECRET_KEY_FALLBACKS="old"))


@pytest.mark.parametrize(
    ("name", "value"),
    [("SESSION_COOKIE_SAMESITE", "None"), ("SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO")],
)
def test_unsafe_or_malformed_values_are_refused(monkeypatch, name, value):
    with pytest.raises(ImproperlyConfigured, match=name):
        load_settings(monkeypatch, production_environment(**{name: value}))


def test_debug_on_is_the_plain_http_demo(monkeypatch):
    s = load_settings(monkeypatch, {**_clean_environment(), "DEBUG": "true"})
    assert s["SECRET_KEY"].startswith("django-insecure-")
    assert s["SECURE_SSL_REDIRECT"] is False and s["SECURE_HSTS_SECONDS"] == 0
    assert s["SESSION_COOKIE_SECURE"] is False and s["SESSION_COOKIE_NAME"] == "sessionid"


def test_every_variable_is_documented():
    variables = _settings_variables()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), re.M))
    in_readme = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", README.read_text(), re.M))
    assert variables - documented == set(), ".env.example misses these"
    assert variables - in_readme == set(), "the README configuration table misses these"
