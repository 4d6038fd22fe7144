import calendar
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hiroba.lib.ages import (
    age_band,
    age_in_months,
    age_in_years,
    gestational_age,
    school_grade,
)
from hiroba.lib.errors import InputError


def months_reached_by_rule(birth: date, on: date) -> int:
    """Reference straight from 民法143条: the n-month age is held from the corresponding
    day, or from the 1st of the next month when the corresponding day does not exist."""
    months = 0
    while True:
        year, month = divmod(birth.month - 1 + months + 1, 12)
        year, month = birth.year + year, month + 1
        last_day = calendar.monthrange(year, month)[1]
        if birth.day <= last_day:
            reached = date(year, month, birth.day)
        else:
            reached = date(year, month, last_day) + timedelta(days=1)
        if reached > on:
            return months
        months += 1


# The examples from the rule, documented as tests.


def test_regular_birthday():
    birth = date(2023, 5, 15)
    assert age_in_years(birth, date(2024, 5, 14)) == 0
    assert age_in_years(birth, date(2024, 5, 15)) == 1


def test_born_on_leap_day_turns_one_on_march_first():
    birth = date(2020, 2, 29)
    assert age_in_years(birth, date(2021, 2, 28)) == 0
    assert age_in_years(birth, date(2021, 3, 1)) == 1
    assert age_in_years(birth, date(2024, 2, 28)) == 3
    assert age_in_years(birth, date(2024, 2, 29)) == 4


def test_born_on_31st_reaches_one_month_after_short_month_ends():
    birth = date(2024, 1, 31)
    # No Feb 31: the one-month period ends on Feb 29, so 1 month is reached on Mar 1.
    assert age_in_months(birth, date(2024, 2, 29)) == 0
    assert age_in_months(birth, date(2024, 3, 1)) == 1
    # Mar 31 exists, so 2 months are reached on that day.
    assert age_in_months(birth, date(2024, 3, 30)) == 1
    assert age_in_months(birth, date(2024, 3, 31)) == 2
    # No Apr 31: 3 months on May 1.
    assert age_in_months(birth, date(2024, 4, 30)) == 2
    assert age_in_months(birth, date(2024, 5, 1)) == 3


def test_born_on_29th_of_january_in_leap_year():
    birth = date(2024, 1, 29)
    assert age_in_months(birth, date(2024, 2, 28)) == 0
    assert age_in_months(birth, date(2024, 2, 29)) == 1


def test_day_of_birth_is_zero():
    birth = date(2024, 4, 1)
    assert age_in_months(birth, birth) == 0
    assert age_in_years(birth, birth) == 0


def test_accepts_datetime():
    # 2021-03-31 15:01 UTC is 2021-04-01 00:01 in Japan: the first birthday
    on = datetime(2021, 3, 31, 15, 1, tzinfo=UTC)
    assert age_in_years(date(2020, 4, 1), on) == 1
    assert age_in_years(date(2020, 4, 1), on - timedelta(minutes=2)) == 0


def test_on_before_birth_is_an_input_error():
    with pytest.raises(InputError) as info:
        age_in_years(date(2024, 4, 2), date(2024, 4, 1))
    assert info.value.code == "birth_after_date"
    with pytest.raises(InputError) as info:
        age_in_months(date(2024, 4, 2), date(2024, 4, 1))
    assert info.value.code == "birth_after_date"
    with pytest.raises(InputError):
        age_band(date(2024, 4, 2), date(2024, 4, 1))


def test_age_band_caps_at_top():
    birth = date(2020, 6, 1)
    assert age_band(birth, date(2020, 6, 1)) == 0
    assert age_band(birth, date(2021, 6, 1)) == 1
    assert age_band(birth, date(2022, 5, 31)) == 1
    assert age_band(birth, date(2022, 6, 1)) == 2
    assert age_band(birth, date(2023, 6, 1)) == 3
    assert age_band(birth, date(2030, 6, 1)) == 3
    assert age_band(birth, date(2030, 6, 1), top=5) == 5
    assert age_band(birth, date(2024, 6, 1), top=5) == 4
    with pytest.raises(ValueError):
        age_band(birth, date(2024, 6, 1), top=-1)


@pytest.mark.parametrize(
    ("days_before_due", "expected"),
    [
        (0, (40, 0)),
        (14, (38, 0)),
        (1, (39, 6)),
        (15, (37, 6)),
        (280, (0, 0)),
        (279, (0, 1)),
        (-7, (41, 0)),
        (-10, (41, 3)),
    ],
)
def test_gestational_age(days_before_due, expected):
    due = date(2024, 10, 10)
    assert gestational_age(due, due - timedelta(days=days_before_due)) == expected


def test_gestational_age_before_pregnancy_is_an_input_error():
    due = date(2024, 10, 10)
    with pytest.raises(InputError) as info:
        gestational_age(due, due - timedelta(days=281))
    assert info.value.code == "gestation_out_of_range"


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=3000),
)
def test_age_in_months_matches_the_civil_code_rule(birth, days_later):
    on = birth + timedelta(days=days_later)
    months = age_in_months(birth, on)
    assert months == months_reached_by_rule(birth, on)
    assert age_in_years(birth, on) == months // 12
    assert 0 <= age_band(birth, on) <= 3


@pytest.mark.parametrize(
    ("birth", "on", "grade"),
    [
        (date(2019, 4, 1), date(2025, 4, 1), 1),  # April 1 birthdays join the earlier grade
        (date(2019, 4, 2), date(2025, 4, 1), 0),
        (date(2019, 4, 2), date(2026, 4, 1), 1),
        (date(2019, 1, 15), date(2025, 3, 31), 0),
        (date(2013, 4, 2), date(2026, 3, 31), 6),  # the last day of 6th grade
        (date(2013, 4, 2), date(2026, 4, 1), 7),
        (date(2012, 4, 1), date(2024, 3, 31), 6),
        (date(2012, 4, 1), date(2024, 4, 1), 7),
    ],
)
def test_school_grade(birth, on, grade):
    assert school_grade(birth, on) == grade
