"""Hypothesis posts generated input to every form of tests/security/targets.py: fields kept,
dropped, replaced by arbitrary text (NUL bytes, any script, any length), by numbers, by
known trouble-makers, plus fields nobody asked for. Whatever arrives: no server error, and
a refused submission leaves the database as it was.

Each example runs in a savepoint that is rolled back, so every example starts from the
same shop and a failure shrinks to a reproducible submission.
"""

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .targets import FORM_TARGETS, NASTY_TEXT
from .world import ANONYMOUS, database_state

texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)
values = st.one_of(
    texts,
    st.sampled_from(list(NASTY_TEXT.values())),
    st.integers().map(str),
    st.sampled_from(["on", "off", "true", "false", "0", "1", "-1", "new", "approved"]),
)


def submissions(valid: dict[str, str]):
    """Each field of the valid submission: kept, dropped (None) or replaced; plus maybe
    some extra fields."""
    fields = st.fixed_dictionaries(
        {name: st.one_of(st.just(value), st.none(), values) for name, value in valid.items()}
    )
    extra = st.dictionaries(st.from_regex(r"x_[a-z_]{1,12}", fullmatch=True), values, max_size=2)
    return st.tuples(fields, extra).map(
        lambda parts: {
            **{name: value for name, value in parts[0].items() if value is not None},
            **parts[1],
        }
    )


@pytest.mark.parametrize("target", FORM_TARGETS, ids=str)
def test_generated_input_never_breaks_a_form(target, world):
    url = target.url(world)
    client = Client() if target.role == ANONYMOUS else world.clients[target.role]

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=submissions(target.valid(world)))
    def post(data):
        with transaction.atomic():
            before = database_state()
            response = client.post(url, target.data(data))  # a server error raises here
            assert response.status_code < 500
            if target.must_leave_the_database_alone(response.status_code):
                assert database_state() == before, "refused, but the database changed"
            transaction.set_rollback(True)
        if target.role == ANONYMOUS:
            client.logout()  # a generated login that worked must not carry over

    post()
