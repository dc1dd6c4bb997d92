"""Browser protections: the Content-Security-Policy and the other security headers, cookie
attributes, and pages that keep the strict CSP workable (nothing inline).

The permission matrix also checks CSP, X-Frame-Options and nosniff on every response it
gets; this file checks the exact values and every page's HTML.
"""

import pytest
from django.test import Client, override_settings

from returns.models import ReturnSettings

from .html import csp_problems
from .matrix import page_ids, pages
from .targets import FORM_TARGETS
from .world import ANONYMOUS, CUSTOMER_A

PAGES = pages()

EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def _policy(header: str) -> dict[str, str]:
    return dict(part.strip().split(None, 1) for part in header.split(";") if part.strip())


def test_the_content_security_policy_is_strict(client, db):
    policy = _policy(client.get("/")["Content-Security-Policy"])
    assert policy == EXPECTED_POLICY
    assert "unsafe" not in " ".join(policy.values())


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ],
)
def test_security_headers(client, db, header, value):
    for path in ["/", "/backoffice/login/", "/no-such-page/", "/backoffice/"]:
        assert client.get(path)[header] == value, path


def test_hsts_on_https_for_a_year_with_subdomains_and_preload(client, db):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    # Never over plain HTTP, where a man in the middle could strip or forge it anyway.
    assert "Strict-Transport-Security" not in client.get("/")


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https(client, db):
    response = client.get("/backoffice/orders/?q=1")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/backoffice/orders/?q=1"


@override_settings(
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    LANGUAGE_COOKIE_SECURE=True,
    SESSION_COOKIE_NAME="__Host-sessionid",
    CSRF_COOKIE_NAME="__Host-csrftoken",
)
def test_cookies_are_secure_httponly_samesite_and_host_only(client, customer):
    """With the production cookie settings (test_deploy_settings checks that production
    gets exactly these): every cookie a login sets."""
    client.get("/account/login/")
    response = client.post(
        "/account/login/",
        {
            "username": customer.user.email,
            "password": "secret-pass-123",
            "csrfmiddlewaretoken": client.cookies["__Host-csrftoken"].value,
        },
    )
    assert response.status_code == 302
    for name in ["__Host-sessionid", "__Host-csrftoken", "django_language"]:
        cookie = response.cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name
        assert cookie["path"] == "/" and not cookie["domain"], name


@pytest.mark.parametrize(("case", "role"), PAGES, ids=page_ids(PAGES))
def test_no_page_has_inline_script_or_style(case, role, world):
    """The CSP forbids inline script and style; a page that had some would silently break
    in browsers. Every page of the matrix, as a role that may open it."""
    response = world.clients[role].get(case.url(world))
    assert response.status_code == 200
    assert csp_problems(response.text) == []


@pytest.mark.parametrize("target", FORM_TARGETS, ids=str)
def test_pages_that_answer_a_post_have_nothing_inline(target, world):
    """What no GET shows: a form with its errors, the page after a success with its
    message, the template editor's Preview."""
    client = Client() if target.role == ANONYMOUS else world.clients[target.role]
    valid = target.valid(world)
    for data in [dict.fromkeys(valid, "\x00"), valid]:
        response = client.post(target.url(world), target.data(data), follow=True)
        assert response.status_code == 200
        assert csp_problems(response.text) == []


def test_the_refused_request_page_has_nothing_inline(world):
    """With returns switched off the request form is a 403 page that says why."""
    ReturnSettings.objects.update_or_create(pk=1, defaults={"allow_returns": False})
    response = world.clients[CUSTOMER_A].get(
        f"/account/orders/{world.order_a.number}/request-return/"
    )
    assert response.status_code == 403
    assert csp_problems(response.text) == []


def test_the_checker_finds_what_the_csp_blocks():
    page = (
        '<p style="color:red" onclick="x()">a</p><style>p{}</style><script>alert(1)</script>'
        '<a href="javascript:alert(1)">x</a><script src="https://cdn.example/x.js"></script>'
        '<script type="application/json">{"ok": true}</script><script src="/static/a.js"></script>'
    )
    # style=, onclick=, <style>, the inline script (tag and body), javascript:, the CDN.
    assert len(csp_problems(page)) == 7


EVIL = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example"]


@pytest.mark.parametrize("target", EVIL)
def test_redirects_after_login_and_language_switch_stay_on_this_site(client, staff, target):
    """ASVS 3.7.2: a `next` pointing elsewhere is ignored, not followed."""
    response = client.post(
        f"/backoffice/login/?next={target}",
        {"username": staff.email, "password": "secret-pass-123", "next": target},
    )
    assert response.status_code == 302 and response["Location"] == "/backoffice/"
    response = client.post("/i18n/setlang/", {"language": "nl", "next": target})
    assert response.status_code == 302 and response["Location"] == "/"
