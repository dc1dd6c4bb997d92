"""The returns list's rows are built in Python (returns_tags.return_rows): their dates
read exactly as Django's date filter writes them, in every language of the site."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.utils import dateformat, formats, translation

from returns.templatetags.returns_tags import _date_formatter

MOMENTS = [
    datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC),
    datetime(999, 7, 9, 0, 0, tzinfo=UTC),
    datetime(2030, 10, 10, 12, 0, tzinfo=UTC),
]


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_short_datetime_format_of_every_language_reads_as_django_writes_it(language):
    with translation.override(language):
        date_format = formats.get_format("SHORT_DATETIME_FORMAT", lang=language)
        write = _date_formatter(date_format)
        for moment in MOMENTS:
            assert write(moment) == dateformat.format(moment, date_format)


@pytest.mark.parametrize(
    "date_format", ["j-n-y G:i:s", "d M Y, P", r"\a\t H:i", "N j, Y", "Y-m-d\\TH:i"]
)
def test_any_other_format_is_left_to_django(date_format):
    write = _date_formatter(date_format)
    for moment in MOMENTS[:2]:
        assert write(moment) == dateformat.format(moment, date_format)
