"""core.tallies: a date range is read as whole years, whole months and the days at its
edges, each day exactly once, with few periods however long the range."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from core.tallies import DAY, MONTH, YEAR, range_parts


def _days(grain, first, last):
    day = first
    while day <= last:
        if grain == DAY:
            following = day + timedelta(days=1)
        elif grain == MONTH:
            following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            following = day.replace(year=day.year + 1)
        while day < following:
            yield day
            day += timedelta(days=1)


@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
    length=st.integers(min_value=0, max_value=4000),
)
def test_every_day_of_the_range_is_covered_once_by_few_periods(start, length):
    end = start + timedelta(days=length)
    covered = [day for part in range_parts(start, end) for day in _days(*part)]
    assert covered == sorted(covered)  # parts in order, none overlapping
    assert set(covered) == {start + timedelta(days=n) for n in range(length + 1)}
    assert len(covered) == length + 1
    parts = range_parts(start, end)
    assert sum(grain == DAY for grain, _first, _last in parts) <= 2  # the two edges
    assert sum(grain == MONTH for grain, _first, _last in parts) <= 2
    day_count = sum(
        (last - first).days + 1 for grain, first, last in range_parts(start, end) if grain == DAY
    )
    assert day_count <= 2 * 31


def test_a_whole_year_is_one_year_row():
    assert range_parts(date(2025, 1, 1), date(2025, 12, 31)) == [
        (YEAR, date(2025, 1, 1), date(2025, 1, 1))
    ]
    assert range_parts(date(2025, 3, 15), date(2025, 5, 31)) == [
        (DAY, date(2025, 3, 15), date(2025, 3, 31)),
        (MONTH, date(2025, 4, 1), date(2025, 5, 1)),
    ]
