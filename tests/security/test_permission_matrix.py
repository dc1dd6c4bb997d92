"""Every URL pattern of the project against every role (SPEC §1).

The table is tests/security/matrix.py; add a row there for every new URL. Roles: anonymous,
customer A, customer B, staff, admin (tests/security/world.py). Parameters point at
customer A's objects, so customer B asking for them is the "guessed id" case.
"""

import pytest

from .matrix import (
    ADMIN_SITE_PREFIX,
    NOT_FOUND,
    RECORDED_CASES,
    case_ids,
    cases,
    stale_rows,
    unlisted_patterns,
)
from .world import ROLES, database_state

CASES = cases()


def test_every_url_pattern_has_a_row():
    missing = unlisted_patterns()
    assert not missing, (
        "These URL patterns have no row in tests/security/matrix.py ROUTES, so nobody has "
        "said who may open them. Add one per pattern:\n  " + "\n  ".join(missing)
    )


def test_every_row_is_a_url_pattern():
    assert not stale_rows(), f"Rows for URL patterns that no longer exist: {stale_rows()}"


def test_the_walk_reaches_every_part_of_the_project():
    keys = [case.key for case in CASES]
    assert "" in keys and "i18n/setlang/" in keys
    assert any(key.startswith(ADMIN_SITE_PREFIX + "accounts/user/") for key in keys)
    assert "backoffice/returns/<int:pk>/" in keys and "account/orders/<str:number>/" in keys


def _request(client, method, url, data):
    return client.get(url) if method == "GET" else client.post(url, data)


def _refused_first(roles, allowed):
    # Refused roles go first: if one of them got through by mistake, the database shows it
    # before an allowed role changes it legitimately.
    return sorted(roles, key=lambda role: role in allowed)


def _check_case(case, world, *, watch_database=True) -> list[str]:
    problems = []
    for method in ("GET", "POST"):
        policy = case.route.get if method == "GET" else case.route.post_policy
        allowed = case.route.allowed_roles(method)
        url = case.url(world)
        watch = watch_database and method == "POST"
        before = database_state() if watch else None
        checked_refusals = not watch
        for role in _refused_first(ROLES, allowed):
            if role in allowed and not checked_refusals:
                if database_state() != before:
                    problems.append(f"POST {url}: a refused role changed the database")
                checked_refusals = True
            data = case.post_data(world) if method == "POST" else None
            response = _request(world.clients[role], method, url, data)
            RECORDED_CASES.append((case.key, role, method))
            if problem := policy[role].check(response, url):
                problems.append(f"{method} {url} as {role}: {problem}")
            # Every answer, refusals and redirects included, carries the browser protections.
            for header, value in [
                ("X-Frame-Options", "DENY"),
                ("X-Content-Type-Options", "nosniff"),
            ]:
                if response.get(header) != value:
                    problems.append(f"{method} {url} as {role}: {header} is {response.get(header)}")
            if "frame-ancestors 'none'" not in response.get("Content-Security-Policy", ""):
                problems.append(f"{method} {url} as {role}: no Content-Security-Policy")
        if not checked_refusals and database_state() != before:
            problems.append(f"POST {url}: a refused role changed the database")
    return problems


OWN_ROWS = [case for case in CASES if not case.route.rule]
ADMIN_SITE_CASES = [case for case in CASES if case.route.rule]


@pytest.mark.parametrize("case", OWN_ROWS, ids=case_ids(OWN_ROWS))
def test_each_role_gets_what_the_table_says(case, world):
    problems = _check_case(case, world)
    assert not problems, "\n".join(problems)


def test_django_admin_sends_every_role_to_its_login(world):
    """One test for the ADMIN_SITE rule (every pattern under /django-admin/ but login and
    logout), so the shop is built once for its hundred-odd patterns."""
    assert len(ADMIN_SITE_CASES) > 50
    before = database_state()
    problems = [
        problem
        for case in ADMIN_SITE_CASES
        for problem in _check_case(case, world, watch_database=False)
    ]
    assert not problems, "\n".join(problems)
    assert database_state() == before


# Django's admin sends our roles to its login before it looks anything up.
WITH_PARAMETERS = [
    case
    for case in CASES
    if (case.int_params or case.str_params) and not case.key.startswith(ADMIN_SITE_PREFIX)
]
UNKNOWN_VALUES = {"int": [987654321, 2**70], "str": ["NO-SUCH-THING", "ORD-0"]}


@pytest.mark.parametrize("case", WITH_PARAMETERS, ids=case_ids(WITH_PARAMETERS))
def test_an_unknown_id_is_a_404_for_whoever_may_open_the_page(case, world):
    """Guessing gives 404 whatever exists (SPEC §1); an id too large for the database column
    is a 404 too, not a 500."""
    problems = []
    for method in ("GET", "POST"):
        for role in case.route.allowed_roles(method):
            for kind, names in (("int", case.int_params), ("str", case.str_params)):
                for value in UNKNOWN_VALUES[kind] if names else []:
                    url = case.url(world, **dict.fromkeys(names, value))
                    data = case.post_data(world) if method == "POST" else None
                    response = _request(world.clients[role], method, url, data)
                    RECORDED_CASES.append((case.key, role, f"{method} unknown id"))
                    if problem := NOT_FOUND.check(response, url):
                        problems.append(f"{method} {url} as {role}: {problem}")
    assert not problems, "\n".join(problems)
