import pytest
from django.db import connection

from demo import bulk
from returns.models import Return


def index_names(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.postgres
@pytest.mark.django_db
def test_deferred_indexes_come_back_even_when_the_load_fails():
    table = Return._meta.db_table
    before = index_names(table)
    with pytest.raises(RuntimeError), bulk.indexes_deferred(Return):
        during = index_names(table)
        raise RuntimeError("the load failed")
    assert "returns_created_idx" in before and "returns_created_idx" not in during
    assert f"{table}_pkey" in during  # keys and constraints stay
    assert index_names(table) == before


@pytest.mark.django_db
def test_copy_text_escapes_what_copy_would_misread():
    assert bulk._copy_text("a\tb\nc\\d") == "a\\tb\\nc\\\\d"
    assert bulk._copy_text(None) == "\\N"
    assert bulk._copy_text(True) == "t"
    assert bulk._copy_text({"a": [1]}) == '{"a":[1]}'
