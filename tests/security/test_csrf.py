"""Every POST needs the CSRF token (SPEC §1), on every URL pattern of the matrix.

The client enforces CSRF checks like a browser session would, and posts the same valid
data the matrix posts, as a role that may post it: without the token it must be refused
with 403 and change nothing.
"""

from .matrix import ADMIN_SITE_PREFIX, cases
from .world import ANONYMOUS, database_state

# The API answers programs, not forms: a key needs no CSRF token, and a browser session
# may only read there (its CSRF refusal is tested in tests/api/test_matrix.py).
CASES = [
    case
    for case in cases()
    if not case.key.startswith(ADMIN_SITE_PREFIX) and not case.key.startswith("api/")
]
ADMIN_SITE_CASES = [case for case in cases() if case.key.startswith(ADMIN_SITE_PREFIX)]


def _csrf_clients(world):
    # Logged in before anything is compared: logging in writes last_login.
    return {role: world.client(role, enforce_csrf_checks=True) for role in world.clients}


def _post_without_token(case, world, clients):
    allowed = case.route.allowed_roles("POST")
    role = allowed[-1] if allowed else ANONYMOUS
    response = clients[role].post(case.url(world), case.post_data(world))
    # The CSRF failure page (returns_backoffice.errors.csrf_failure), not another 403.
    if response.status_code != 403 or "The form could not be sent" not in response.text:
        return f"POST /{case.key} as {role} without a CSRF token: {response.status_code}"
    return None


def test_a_post_without_csrf_token_is_refused_everywhere(world):
    clients = _csrf_clients(world)
    before = database_state()
    problems = [problem for case in CASES if (problem := _post_without_token(case, world, clients))]
    assert not problems, "\n".join(problems)
    assert len(CASES) > 20
    assert database_state() == before


def test_django_admin_posts_need_the_token_too(world):
    clients = _csrf_clients(world)
    problems = [
        problem
        for case in ADMIN_SITE_CASES
        if (problem := _post_without_token(case, world, clients))
    ]
    assert not problems, "\n".join(problems)


def test_the_same_post_with_the_token_goes_through(world):
    """The refusals above are about the token: with it, the admin's catalog rename works."""
    client = world.client("admin", enforce_csrf_checks=True)
    url = f"/backoffice/returns/reasons-and-actions/{world.spare_reason.pk}/"
    client.get(url)
    token = client.cookies["csrftoken"].value
    response = client.post(
        url,
        {"name": "With a token", "active": "on", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    world.spare_reason.refresh_from_db()
    assert world.spare_reason.name == "With a token"
