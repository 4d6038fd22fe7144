"""Open now, today's hours and the next opening, from weekly times, the holiday row, the
year-end closure and closed days."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from hiroba.core.models import ClosedDay, OpeningPeriod
from hiroba.core.models.opening import PUBLIC_HOLIDAY
from hiroba.core.opening import calendar_from

TOKYO = ZoneInfo("Asia/Tokyo")
RULES = {"year_end_closure_first": "12-29", "year_end_closure_last": "01-03"}


def _calendar(periods=(), closures=()):
    rows = [OpeningPeriod(weekday=d, opens=o, closes=c) for d, o, c in periods]
    closed = [ClosedDay(first_day=a, last_day=b, reason=r) for a, b, r in closures]
    return calendar_from(rows, closed, RULES)


TUE_TO_SAT = [
    *((day, time(9, 30), time(12, 0)) for day in range(1, 6)),
    *((day, time(13, 0), time(16, 0)) for day in range(1, 6)),
]


def _at(*args):
    return datetime(*args, tzinfo=TOKYO)


def test_open_in_a_period_and_closed_over_lunch():
    calendar = _calendar(TUE_TO_SAT)
    morning = calendar.at(_at(2026, 11, 24, 10, 0))  # a Tuesday
    assert morning.open_now and morning.closes_at == time(12, 0)
    lunch = calendar.at(_at(2026, 11, 24, 12, 0))
    assert not lunch.open_now and lunch.next_opening == _at(2026, 11, 24, 13, 0)
    assert lunch.today.periods == ((time(9, 30), time(12, 0)), (time(13, 0), time(16, 0)))


def test_after_closing_the_next_opening_is_the_next_open_day(english):
    calendar = _calendar(TUE_TO_SAT)
    saturday_evening = calendar.at(_at(2026, 11, 28, 16, 0))  # closes at 16:00 sharp
    assert not saturday_evening.open_now
    assert saturday_evening.next_opening == _at(2026, 12, 1, 9, 30)  # Tuesday
    monday = calendar.day(date(2026, 11, 30))
    assert not monday.is_open_day and monday.closed_reason == "Regular closing day"


def test_a_public_holiday_uses_its_own_row(english):
    calendar = _calendar(TUE_TO_SAT)
    labour_day = calendar.day(date(2026, 11, 23))  # 勤労感謝の日, a Monday
    assert labour_day.closed_reason == "勤労感謝の日"
    assert not calendar.day(date(2026, 11, 3)).is_open_day  # 文化の日, a Tuesday
    with_holidays = _calendar([*TUE_TO_SAT, (PUBLIC_HOLIDAY, time(10, 0), time(15, 0))])
    assert with_holidays.day(date(2026, 11, 3)).periods == ((time(10, 0), time(15, 0)),)


def test_the_new_year_and_closed_days_close_an_open_day(english):
    calendar = _calendar(
        TUE_TO_SAT, [(date(2026, 12, 1), date(2026, 12, 2), "臨時休館（館内点検）")]
    )
    assert calendar.day(date(2026, 12, 29)).closed_reason == "Closed for the New Year holidays"
    assert calendar.day(date(2027, 1, 2)).closed_reason == "Closed for the New Year holidays"
    inspection = calendar.at(_at(2026, 12, 1, 10, 0))
    assert not inspection.open_now and inspection.today.closed_reason == "臨時休館（館内点検）"
    assert inspection.next_opening == _at(2026, 12, 3, 9, 30)


def test_no_opening_within_two_weeks_gives_no_next_opening():
    calendar = _calendar(TUE_TO_SAT, [(date(2026, 7, 1), date(2026, 8, 31), "改修工事")])
    assert calendar.at(_at(2026, 7, 1, 10, 0)).next_opening is None
    assert not _calendar().has_hours


@pytest.mark.django_db
def test_the_calendar_reads_a_hubs_rows_in_two_queries_for_a_list(django_assert_num_queries):
    from hiroba.core.queries import opening_calendar, public_hubs, with_opening  # noqa: PLC0415
    from hiroba.core.tests.factories import HubFactory  # noqa: PLC0415

    for n in range(3):
        hub = HubFactory(name=f"拠点{n}")
        OpeningPeriod.objects.create(hub=hub, weekday=1, opens=time(9), closes=time(15))
        ClosedDay.objects.create(hub=hub, first_day=date(2026, 11, 24), last_day=date(2026, 11, 24))
    today = date(2026, 11, 22)
    with django_assert_num_queries(4):  # hubs, their venues, their times, their closures
        hubs = list(with_opening(public_hubs(), today))
        days = [opening_calendar(h, today).day(date(2026, 11, 24)) for h in hubs]
    assert all(not d.is_open_day for d in days) and len(days) == 3
