"""The fee engine against the city's published examples and an independent oracle.

The oracle walks the billable time minute by minute and looks each minute up in a table keyed by
(day kind, hour), with holidays read straight from the ``holidays`` package: a different route to
the same rules, so a slip in the engine's interval arithmetic shows up as a disagreement.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import holidays
import pytest
from django.utils import translation
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hiroba.core.rules import rules_for
from hiroba.kosapo import fees
from hiroba.kosapo.fees import Expense, FeeError, FeeTable

TABLE = FeeTable.from_values(rules_for("yokohama", "kosapo_fees", on=date(2026, 4, 1)))
OLD_TABLE = FeeTable.from_values(rules_for("yokohama", "kosapo_fees", on=date(2023, 6, 30)))
WEDNESDAY = date(2026, 11, 18)


def _quote(day=WEDNESDAY, starts="10:00", ends="11:00", children=1, **kwargs):
    return fees.quote(
        TABLE,
        day=day,
        starts=time.fromisoformat(starts),
        ends=time.fromisoformat(ends),
        children=children,
        **kwargs,
    )


# -- the city's published examples (CITY-KYUFU) ---------------------------------------------------
CITY_EXAMPLES = {
    # case: ((day, from, until, children), (family pays, city benefit, provider receives))
    "weekday in hours, under 1 h": ((WEDNESDAY, "10:00", "10:40", 1), (500, 500, 1000)),
    "weekday in hours, 90 min": ((WEDNESDAY, "10:00", "11:30", 1), (750, 750, 1500)),
    "out of hours, 120 min": ((date(2026, 11, 21), "10:00", "12:00", 1), (1200, 1000, 2200)),
    "in hours, 60 min, two siblings": ((WEDNESDAY, "10:00", "11:00", 2), (750, 1000, 1750)),
}


@pytest.mark.parametrize("case", CITY_EXAMPLES)
def test_the_citys_examples(case):
    activity, expected = CITY_EXAMPLES[case]
    quote = _quote(*activity)
    assert (quote.family_pays, quote.benefit, quote.provider_earns) == expected


def test_out_of_hours_on_a_weekday_evening_holiday_and_new_year():
    assert _quote(WEDNESDAY, "19:00", "21:00").fee == 1200
    assert _quote(date(2026, 11, 23), "10:00", "12:00").fee == 1200  # 勤労感謝の日, a Monday
    assert _quote(date(2026, 12, 29), "10:00", "12:00").fee == 1200  # a Tuesday in 年末年始
    assert _quote(date(2027, 1, 4), "10:00", "12:00").fee == 1000  # the first working day


def test_the_first_hour_crossing_seven_or_nineteen_is_all_out_of_hours():
    # 6:30-7:30: half the hour is in hours, but the first hour crosses 7:00.
    assert _quote(WEDNESDAY, "06:30", "07:30").fee == 600
    # 18:40-19:00 is in hours, yet the (billed) first hour from 18:40 crosses 19:00.
    assert _quote(WEDNESDAY, "18:40", "19:00").fee == 600
    # Past the first hour only the units that touch out-of-hours time pay the higher rate.
    quote = _quote(WEDNESDAY, "17:00", "19:30")
    assert [u.out_of_hours for u in quote.units] == [False, False, False, False, True]
    assert quote.fee == 4 * 250 + 300
    # A last unit padded past 19:00 is charged at the rate of the time really worked.
    assert _quote(WEDNESDAY, "17:45", "19:00").fee == 750
    assert _quote(WEDNESDAY, "17:45", "19:01").fee == 250 + 250 + 300


def test_billing_units_round_up_to_thirty_minutes_after_the_first_hour():
    assert [_quote(ends=end).billable_minutes for end in ("10:01", "11:00", "11:01", "11:31")] == [
        60,
        60,
        90,
        120,
    ]


def test_the_third_child_pays_what_the_last_configured_percent_says():
    quote = _quote(children=3)
    assert [line.fee for line in quote.children] == [500, 250, 250]
    assert quote.benefit == 1500


def test_a_sibling_half_unit_is_rounded_half_up_per_line():
    table = FeeTable.from_values({**_values(), "standard_rate_yen": 501})
    quote = fees.quote(table, day=WEDNESDAY, starts=time(10), ends=time(11), children=2)
    assert [line.fee for line in quote.children] == [501, 251]  # 250.5 → 251


def test_coupons_cover_whole_hours_and_the_city_pays_for_them():
    quote = _quote(ends="11:30", coupons=1)
    # The first hour is covered: the family pays the last 30 minutes only.
    assert (quote.fee, quote.benefit, quote.coupon_amount) == (250, 250, 1000)
    assert quote.provider_earns == 1500
    two_children = _quote(ends="11:00", children=2, coupons=2)
    assert (two_children.fee, two_children.benefit, two_children.coupon_amount) == (0, 0, 2000)


@translation.override("ja")
def test_more_coupons_than_whole_hours_are_refused():
    with pytest.raises(FeeError, match="最大 1 枚"):
        _quote(ends="11:30", coupons=2)


def test_actual_costs_are_paid_by_the_family_but_not_earnings():
    quote = _quote(expenses=[Expense("transport", 420), Expense("snack", 100)])
    assert (quote.family_pays, quote.provider_earns) == (1020, 1000)
    with pytest.raises(FeeError):
        _quote(expenses=[Expense("transport", -1)])


@pytest.mark.parametrize(
    ("starts", "ends", "children"),
    [("11:00", "10:00", 1), ("10:00", "10:00", 1), ("10:00", "11:00", 0)],
)
@translation.override("ja")
def test_impossible_activities_are_refused_in_japanese(starts, ends, children):
    with pytest.raises(FeeError) as raised:
        _quote(starts=starts, ends=ends, children=children)
    assert any("\u3040" <= ch <= "\u30ff" for ch in str(raised.value))


def test_each_activity_is_priced_with_the_table_of_its_own_date():
    june = fees.quote(OLD_TABLE, day=date(2023, 6, 28), starts=time(10), ends=time(11), children=1)
    assert (june.fee, june.benefit) == (800, 0)
    with pytest.raises(LookupError):
        rules_for("yokohama", "kosapo_fees", on=date(1999, 3, 31))


def test_cancellation_tiers_are_configurable_and_default_to_none():
    scheduled = _quote(ends="12:00")
    assert fees.cancellation_fee(TABLE, scheduled, notice=timedelta(hours=1)) == 0
    tiered = FeeTable.from_values({**_values(), "cancellation_tiers": [[24, 50], [2, 100]]})
    scheduled = fees.quote(tiered, day=WEDNESDAY, starts=time(10), ends=time(12), children=1)
    assert [
        fees.cancellation_fee(tiered, scheduled, notice=timedelta(hours=h)) for h in (48, 23, 1)
    ] == [0, 500, 1000]


def test_single_parent_refund_is_capped_per_child_and_month():
    assert fees.single_parent_refund(TABLE, {"a": 30000, "b": 12000}) == {"a": 24000, "b": 12000}


def test_coupons_come_with_children_born_from_april_2023():
    births = [date(2023, 3, 31), date(2023, 4, 1), None, date(2025, 5, 5)]
    assert fees.coupons_for_children(TABLE, births) == 16


@pytest.mark.parametrize(
    "change",
    [
        {"minimum_minutes": 45},
        {"minimum_minutes": 30},
        {"coupon_minutes": 0},
        {"unit_minutes": 90},
        {"unit_minutes": 0},
        {"sibling_percents": []},
        {"standard_hours_start": "19:00"},
    ],
)
def test_a_table_that_cannot_price_anything_is_refused(change):
    with pytest.raises(ValueError):
        FeeTable.from_values({**_values(), **change})


def _values():
    return dict(rules_for("yokohama", "kosapo_fees", on=date(2026, 4, 1)))


# -- the oracle -----------------------------------------------------------------------------------
HOURLY = {  # (out-of-hours day, hour of day) → yen an hour, written out as the city's table reads
    (day_off, hour): 600 if day_off or not 7 <= hour < 19 else 500
    for day_off in (False, True)
    for hour in range(24)
}
YEAR_END = {(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}
_JP = holidays.country_holidays("JP", years=range(2023, 2029))


def _day_off(day: date) -> bool:
    return day.weekday() >= 5 or day in _JP or (day.month, day.day) in YEAR_END


def _oracle(day: date, starts: time, ends: time, children: int) -> tuple[int, int]:
    start = datetime.combine(day, starts)
    actual = int((datetime.combine(day, ends) - start).total_seconds() // 60)
    billable = 60
    while billable < actual:
        billable += 30
    minute_rates = []
    for m in range(billable):
        moment = start + timedelta(minutes=m)
        minute_rates.append(HOURLY[(_day_off(moment.date()), moment.hour)])
    # The first hour counts whole; after it, only the minutes really worked set a unit's rate.
    unit_rates = [600 if max(minute_rates[:60]) == 600 else 500] * 2
    for begin in range(60, billable, 30):
        unit_rates.append(max(minute_rates[begin : min(begin + 30, actual)]))
    fee = 0
    for child in range(children):
        share = sum(rate / 2 for rate in unit_rates) * (1 if child == 0 else 0.5)
        fee += int(share + 0.5)
    benefit = 500 * billable // 60 * children
    return fee, benefit


HOLIDAY_DAYS = sorted(d for d in _JP if date(2023, 7, 1) <= d <= date(2028, 12, 31))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    day=st.one_of(
        st.dates(date(2023, 7, 1), date(2028, 12, 31)),
        st.sampled_from(HOLIDAY_DAYS),
        st.builds(
            lambda y, d: date(y, 12, 27) + timedelta(days=d),
            st.integers(2023, 2027),
            st.integers(0, 9),
        ),
    ),
    start_minute=st.integers(5 * 60, 22 * 60),
    duration=st.one_of(st.integers(1, 180), st.integers(1, 14 * 60)),
    children=st.integers(1, 4),
)
def test_the_engine_agrees_with_the_oracle(day, start_minute, duration, children):
    assume(start_minute + duration < 24 * 60)
    starts = time(start_minute // 60, start_minute % 60)
    end_minute = start_minute + duration
    ends = time(end_minute // 60, end_minute % 60)
    quote = fees.quote(TABLE, day=day, starts=starts, ends=ends, children=children)
    assert (quote.fee, quote.benefit) == _oracle(day, starts, ends, children)


@settings(max_examples=300, deadline=None)
@given(
    day=st.dates(date(2023, 7, 1), date(2028, 12, 31)),
    boundary=st.sampled_from([7 * 60, 19 * 60]),
    end_offset=st.integers(-45, 45),
    duration=st.integers(1, 240),
    children=st.integers(1, 3),
)
def test_the_engine_agrees_with_the_oracle_around_seven_and_nineteen(
    day, boundary, end_offset, duration, children
):
    """Random times rarely end just before 7:00 or 19:00, where the first-hour and padding
    readings matter most; here every activity ends within 45 minutes of one."""
    end_minute = boundary + end_offset
    start_minute = end_minute - duration
    assume(start_minute >= 0)
    starts = time(start_minute // 60, start_minute % 60)
    ends = time(end_minute // 60, end_minute % 60)
    quote = fees.quote(TABLE, day=day, starts=starts, ends=ends, children=children)
    assert (quote.fee, quote.benefit) == _oracle(day, starts, ends, children)
