from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from hiroba.lib.jpcalendar import (
    holiday_name,
    is_public_holiday,
    is_weekend_or_holiday,
    is_year_end_closure,
    public_holidays_between,
    weekday_label,
)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2024, 1, 1), "元日"),
        (date(2024, 5, 5), "こどもの日"),
        (date(2024, 5, 6), "振替休日"),
        (date(2019, 5, 1), "天皇の即位の日"),
        (date(2019, 4, 30), "国民の休日"),
        (date(2024, 9, 22), "秋分の日"),
    ],
)
def test_holiday_name(day, name):
    assert holiday_name(day) == name
    assert is_public_holiday(day)


def test_ordinary_day_has_no_holiday_name():
    assert holiday_name(date(2024, 4, 2)) is None
    assert not is_public_holiday(date(2024, 4, 2))


def test_holiday_name_accepts_aware_datetime_in_japan_time():
    jst = timezone(timedelta(hours=9))
    assert holiday_name(datetime(2024, 1, 1, 10, 30, tzinfo=jst)) == "元日"
    # 20:00 UTC on New Year's Eve is already 05:00 on January 1 in Japan
    assert holiday_name(datetime(2023, 12, 31, 20, 0, tzinfo=UTC)) == "元日"
    assert holiday_name(datetime(2023, 12, 31, 14, 59, tzinfo=UTC)) is None


def test_holiday_name_accepts_naive_datetime_as_local_time():
    naive = datetime.fromisoformat("2024-01-01T10:30:00")
    assert holiday_name(naive) == "元日"


def test_years_outside_holiday_data_have_no_holidays():
    assert holiday_name(date(1900, 1, 1)) is None


@pytest.mark.parametrize(
    ("day", "closed"),
    [
        (date(2023, 12, 28), False),
        (date(2023, 12, 29), True),
        (date(2023, 12, 31), True),
        (date(2024, 1, 1), True),
        (date(2024, 1, 3), True),
        (date(2024, 1, 4), False),
        (date(2024, 6, 15), False),
    ],
)
def test_year_end_closure_spans_new_year(day, closed):
    assert is_year_end_closure(day) is closed


def test_year_end_closure_custom_spans():
    assert is_year_end_closure(date(2023, 12, 28), first=(12, 28), last=(1, 4))
    assert is_year_end_closure(date(2024, 1, 4), first=(12, 28), last=(1, 4))
    assert not is_year_end_closure(date(2024, 1, 5), first=(12, 28), last=(1, 4))
    # a span that does not wrap around the new year
    assert is_year_end_closure(date(2024, 8, 14), first=(8, 13), last=(8, 16))
    assert not is_year_end_closure(date(2024, 8, 17), first=(8, 13), last=(8, 16))
    assert not is_year_end_closure(date(2024, 1, 1), first=(8, 13), last=(8, 16))


def test_weekday_label():
    monday = date(2024, 4, 1)
    labels = [weekday_label(date(2024, 4, day)) for day in range(1, 8)]
    assert monday.weekday() == 0
    assert labels == ["月", "火", "水", "木", "金", "土", "日"]


def test_is_weekend_or_holiday():
    assert is_weekend_or_holiday(date(2024, 4, 6))  # Saturday
    assert is_weekend_or_holiday(date(2024, 4, 7))  # Sunday
    assert is_weekend_or_holiday(date(2024, 4, 29))  # 昭和の日, a Monday
    assert not is_weekend_or_holiday(date(2024, 4, 30))


def test_public_holidays_between_is_inclusive_and_sorted():
    holidays = public_holidays_between(date(2024, 5, 3), date(2024, 5, 6))
    assert holidays == [
        (date(2024, 5, 3), "憲法記念日"),
        (date(2024, 5, 4), "みどりの日"),
        (date(2024, 5, 5), "こどもの日"),
        (date(2024, 5, 6), "振替休日"),
    ]


def test_public_holidays_between_crosses_years():
    holidays = public_holidays_between(date(2023, 12, 1), date(2024, 1, 8))
    assert holidays == [(date(2024, 1, 1), "元日"), (date(2024, 1, 8), "成人の日")]


def test_public_holidays_between_empty_and_reversed():
    assert public_holidays_between(date(2024, 4, 1), date(2024, 4, 1)) == []
    with pytest.raises(ValueError):
        public_holidays_between(date(2024, 4, 2), date(2024, 4, 1))


def test_fiscal_year_2024_has_the_expected_holidays():
    holidays = public_holidays_between(date(2024, 4, 1), date(2025, 3, 31))
    # 15 from April to December 2024 (incl. 4 substitute holidays), 6 in early 2025
    assert len(holidays) == 21
    assert holidays[-6:] == [
        (date(2025, 1, 1), "元日"),
        (date(2025, 1, 13), "成人の日"),
        (date(2025, 2, 11), "建国記念の日"),
        (date(2025, 2, 23), "天皇誕生日"),
        (date(2025, 2, 24), "振替休日"),
        (date(2025, 3, 20), "春分の日"),
    ]


def test_weekday_and_closure_use_japan_time_for_aware_datetimes():
    saturday_morning_jst = datetime(2023, 3, 31, 15, 30, tzinfo=UTC)  # Fri in UTC
    assert weekday_label(saturday_morning_jst) == "土"
    assert is_weekend_or_holiday(saturday_morning_jst)
    assert is_year_end_closure(datetime(2023, 12, 28, 15, 0, tzinfo=UTC))
