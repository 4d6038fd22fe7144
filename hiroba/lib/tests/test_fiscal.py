from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hiroba.lib.fiscal import (
    contract_year,
    fiscal_quarter,
    fiscal_year_bounds,
    fiscal_year_months,
    fiscal_year_of,
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 3, 31), 2023),
        (date(2024, 4, 1), 2024),
        (date(2024, 1, 1), 2023),
        (date(2023, 12, 31), 2023),
        (date(2024, 5, 20), 2024),
    ],
)
def test_fiscal_year_of_april_start(day, expected):
    assert fiscal_year_of(day) == expected


def test_fiscal_year_of_other_start_months():
    assert fiscal_year_of(date(2024, 6, 30), start_month=7) == 2023
    assert fiscal_year_of(date(2024, 7, 1), start_month=7) == 2024
    assert fiscal_year_of(date(2024, 1, 1), start_month=1) == 2024
    assert fiscal_year_of(date(2024, 12, 31), start_month=1) == 2024


def test_invalid_start_month_is_a_programming_error():
    for bad in (0, 13):
        with pytest.raises(ValueError):
            fiscal_year_of(date(2024, 1, 1), start_month=bad)
        with pytest.raises(ValueError):
            fiscal_year_bounds(2024, start_month=bad)


def test_fiscal_year_bounds_inclusive():
    assert fiscal_year_bounds(2023) == (date(2023, 4, 1), date(2024, 3, 31))
    # 2024-02 has 29 days but the end is still March 31
    assert fiscal_year_bounds(2023, start_month=3) == (date(2023, 3, 1), date(2024, 2, 29))
    assert fiscal_year_bounds(2024, start_month=1) == (date(2024, 1, 1), date(2024, 12, 31))


def test_fiscal_year_months():
    months = fiscal_year_months(2023)
    assert len(months) == 12
    assert months[0] == (2023, 4)
    assert months[8] == (2023, 12)
    assert months[9] == (2024, 1)
    assert months[-1] == (2024, 3)
    assert fiscal_year_months(2024, start_month=1) == [(2024, m) for m in range(1, 13)]


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2023, 4, 1), 1),
        (date(2023, 6, 30), 1),
        (date(2023, 7, 1), 2),
        (date(2023, 9, 30), 2),
        (date(2023, 10, 1), 3),
        (date(2023, 12, 31), 3),
        (date(2024, 1, 1), 4),
        (date(2024, 3, 31), 4),
    ],
)
def test_fiscal_quarter(day, quarter):
    assert fiscal_quarter(day) == quarter


def test_fiscal_quarter_calendar_year():
    assert fiscal_quarter(date(2024, 1, 15), start_month=1) == 1
    assert fiscal_quarter(date(2024, 12, 15), start_month=1) == 4


def test_contract_year_within_and_outside_term():
    assert contract_year(2021, 2021) == 1
    assert contract_year(2021, 2024) == 4
    assert contract_year(2021, 2025) == 5
    assert contract_year(2021, 2026) is None
    assert contract_year(2021, 2020) is None
    assert contract_year(2021, 2023, term_years=3) == 3
    assert contract_year(2021, 2024, term_years=3) is None


def test_contract_year_rejects_empty_term():
    with pytest.raises(ValueError):
        contract_year(2021, 2021, term_years=0)


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    st.integers(min_value=1, max_value=12),
)
def test_every_day_lies_within_the_bounds_of_its_fiscal_year(day, start_month):
    fy = fiscal_year_of(day, start_month=start_month)
    first, last = fiscal_year_bounds(fy, start_month=start_month)
    assert first <= day <= last
    assert (day.year, day.month) in fiscal_year_months(fy, start_month=start_month)
    assert fiscal_year_of(first - timedelta(days=1), start_month=start_month) == fy - 1
    assert fiscal_year_of(last + timedelta(days=1), start_month=start_month) == fy + 1
    expected_quarter = (
        fiscal_year_months(fy, start_month=start_month).index((day.year, day.month)) // 3 + 1
    )
    assert fiscal_quarter(day, start_month=start_month) == expected_quarter


def test_aware_datetimes_are_taken_in_japan_time():
    # 2024-03-31 15:00 UTC is 2024-04-01 00:00 JST: the new fiscal year, Q1
    start_of_fy2024 = datetime(2024, 3, 31, 15, 0, tzinfo=UTC)
    assert fiscal_year_of(start_of_fy2024) == 2024
    assert fiscal_quarter(start_of_fy2024) == 1
    assert fiscal_year_of(start_of_fy2024 - timedelta(seconds=1)) == 2023
