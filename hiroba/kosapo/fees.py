"""The 子サポ fee engine: what the family pays, what the city adds, what the provider receives.

Pure computation over a fee table (``rules.py``; a municipality may override any value), so the
coordinator's simulator, the activity settlement and the monthly statements all give the same
answer. How a quote is made (domain.md §2.5, CITY-KYUFU):

1. Billable time is at least ``minimum_minutes`` (1 hour), then whole ``unit_minutes`` (30 min)
   counted from the start: 61 minutes are charged as 90.
2. The first hour from the start (billed even when the activity was shorter) is out of hours
   when any of it is: on a Saturday, Sunday, public holiday or 12/29-1/3, or when it crosses
   7:00 or 19:00 (the city's note ※3). After it, each unit is out of hours when the part of it
   that really took place touches out-of-hours time: the padding of the last unit up to 30
   minutes is charged, but at the rate of the time actually worked (decision 0011).
3. Each child pays its percent of the rate (the 2nd child half); the line is rounded to the yen.
4. The city's benefit is a flat rate per child per billable hour, whatever the band.
5. A coupon covers one hour of one child (the earliest uncovered units, first child first): the
   family pays nothing for it and the city pays ``coupon_value_yen`` to the provider instead of
   the benefit for that hour.
6. Actual costs (transport, meals, snacks, nappies) are separate lines: the family pays them to
   the provider and no subsidy or refund covers them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from hiroba.lib.jpcalendar import is_public_holiday, is_year_end_closure

FIRST_HOUR = 60
"""The city's rules speak of the first hour from the start (1時間未満は1時間, the ※3 straddle)."""


class FeeError(ValueError):
    """An activity the fee table cannot price; the message is for the coordinator."""


@dataclass(frozen=True)
class FeeTable:
    """One version of the fee rules, parsed from the JSON-friendly rule values."""

    standard_rate: int
    out_of_hours_rate: int
    day_start: time
    day_end: time
    year_end_first: tuple[int, int]
    year_end_last: tuple[int, int]
    minimum_minutes: int
    unit_minutes: int
    first_hour_straddle: bool
    sibling_percents: tuple[int, ...]
    benefit_per_child_hour: int
    coupon_minutes: int
    coupon_value: int
    coupons_per_child: int
    coupon_children_born_from: date
    single_parent_cap: int
    cancellation_tiers: tuple[tuple[int, int], ...]

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> FeeTable:
        table = cls(
            standard_rate=int(values["standard_rate_yen"]),
            out_of_hours_rate=int(values["out_of_hours_rate_yen"]),
            day_start=time.fromisoformat(values["standard_hours_start"]),
            day_end=time.fromisoformat(values["standard_hours_end"]),
            year_end_first=_month_day(values["year_end_first"]),
            year_end_last=_month_day(values["year_end_last"]),
            minimum_minutes=int(values["minimum_minutes"]),
            unit_minutes=int(values["unit_minutes"]),
            first_hour_straddle=bool(values["first_hour_straddle_out_of_hours"]),
            sibling_percents=tuple(int(p) for p in values["sibling_percents"]),
            benefit_per_child_hour=int(values["benefit_per_child_hour_yen"]),
            coupon_minutes=int(values["coupon_minutes"]),
            coupon_value=int(values["coupon_value_yen"]),
            coupons_per_child=int(values["coupons_per_child"]),
            coupon_children_born_from=date.fromisoformat(values["coupon_children_born_from"]),
            single_parent_cap=int(values["single_parent_monthly_cap_per_child_yen"]),
            cancellation_tiers=tuple(
                (int(hours), int(percent)) for hours, percent in values["cancellation_tiers"]
            ),
        )
        table.check()
        return table

    def check(self) -> None:
        """A table whose numbers cannot price anything is a configuration error, said early."""
        if self.unit_minutes <= 0 or FIRST_HOUR % self.unit_minutes:
            raise ValueError("unit_minutes must divide an hour")
        if self.minimum_minutes < FIRST_HOUR or self.minimum_minutes % self.unit_minutes:
            raise ValueError("minimum_minutes must be at least an hour of whole units")
        if self.coupon_minutes <= 0 or self.coupon_minutes % self.unit_minutes:
            raise ValueError("coupon_minutes must be a whole number of units")
        if not self.sibling_percents or any(not 0 <= p <= 100 for p in self.sibling_percents):
            raise ValueError("sibling_percents must be percentages")
        if self.day_start >= self.day_end:
            raise ValueError("standard hours must start before they end")

    def percent_for_child(self, order: int) -> int:
        """The percent of the rate paid for the ``order``-th child (1 = first)."""
        return self.sibling_percents[min(order, len(self.sibling_percents)) - 1]

    def is_out_of_hours_day(self, day: date) -> bool:
        return (
            day.weekday() >= 5
            or is_public_holiday(day)
            or is_year_end_closure(day, first=self.year_end_first, last=self.year_end_last)
        )


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


@dataclass(frozen=True)
class Unit:
    starts_at: datetime
    ends_at: datetime
    out_of_hours: bool


@dataclass(frozen=True)
class ChildLine:
    """One child's part: the units charged, at what percent, and how many a coupon covered."""

    order: int
    percent: int
    standard_units: int
    out_of_hours_units: int
    coupon_units: int
    coupons: int
    fee: int
    benefit: int


@dataclass(frozen=True)
class Expense:
    kind: str
    amount: int


@dataclass(frozen=True)
class Quote:
    """Everything a statement, the 報告書兼領収証 and the benefit claim need for one activity."""

    day: date
    starts: time
    ends: time
    actual_minutes: int
    billable_minutes: int
    units: tuple[Unit, ...]
    children: tuple[ChildLine, ...]
    expenses: tuple[Expense, ...] = field(default_factory=tuple)
    coupon_value: int = 0

    @property
    def fee(self) -> int:
        """The care fee (報酬) the family pays, after coupons."""
        return sum(line.fee for line in self.children)

    @property
    def benefit(self) -> int:
        """The city's benefit (給付金) to the provider."""
        return sum(line.benefit for line in self.children)

    @property
    def coupons(self) -> int:
        return sum(line.coupons for line in self.children)

    @property
    def coupon_amount(self) -> int:
        return self.coupons * self.coupon_value

    @property
    def expenses_total(self) -> int:
        return sum(e.amount for e in self.expenses)

    @property
    def family_pays(self) -> int:
        """Handed to the provider after the activity: fee plus actual costs."""
        return self.fee + self.expenses_total

    @property
    def provider_earns(self) -> int:
        """Fee + benefit + coupons: the provider's income from the activity (costs excluded)."""
        return self.fee + self.benefit + self.coupon_amount

    @property
    def out_of_hours(self) -> bool:
        return any(unit.out_of_hours for unit in self.units)


def quote(
    table: FeeTable,
    *,
    day: date,
    starts: time,
    ends: time,
    children: int,
    coupons: int = 0,
    expenses: Sequence[Expense] = (),
) -> Quote:
    """Price one activity on ``day`` from ``starts`` to ``ends`` (the same day) for ``children``."""
    actual = _actual_minutes(starts, ends)
    if children < 1:
        raise FeeError(_("Enter at least one child."))
    if coupons < 0:
        raise FeeError(_("The number of coupons cannot be negative."))
    for expense in expenses:
        if expense.amount < 0:
            raise FeeError(_("An actual cost cannot be negative."))
    billable = _billable_minutes(table, actual)
    units = _units(table, datetime.combine(day, starts), billable, actual)
    coupons_per_child = billable // table.coupon_minutes  # whole coupons only
    units_per_coupon = table.coupon_minutes // table.unit_minutes
    if coupons > coupons_per_child * children:
        raise FeeError(
            _(
                "At most {n} coupons can be used for this activity (one hour of one child each)."
            ).format(n=coupons_per_child * children)
        )
    lines = []
    coupons_left = coupons
    for order in range(1, children + 1):
        used = min(coupons_left, coupons_per_child)
        coupons_left -= used
        lines.append(_child_line(table, order, units, used * units_per_coupon, used))
    return Quote(
        day=day,
        starts=starts,
        ends=ends,
        actual_minutes=actual,
        billable_minutes=billable,
        units=tuple(units),
        children=tuple(lines),
        expenses=tuple(expenses),
        coupon_value=table.coupon_value,
    )


def _actual_minutes(starts: time, ends: time) -> int:
    minutes = (ends.hour * 60 + ends.minute) - (starts.hour * 60 + starts.minute)
    if minutes <= 0:
        # Activities never run overnight (宿泊 is not allowed), so an end before the start is a
        # typing mistake rather than the next morning.
        raise FeeError(_("The activity must end after it starts, on the same day."))
    return minutes


def _billable_minutes(table: FeeTable, actual: int) -> int:
    units = -(-actual // table.unit_minutes)
    return max(table.minimum_minutes, units * table.unit_minutes)


def _units(table: FeeTable, start: datetime, billable: int, actual: int) -> list[Unit]:
    step = timedelta(minutes=table.unit_minutes)
    first_hour_ends = start + timedelta(minutes=FIRST_HOUR)
    worked_until = start + timedelta(minutes=actual)
    units = []
    for n in range(billable // table.unit_minutes):
        begins = start + n * step
        # The first hour is judged whole; later units on the time really worked.
        judged_until = (
            begins + step if begins < first_hour_ends else min(begins + step, worked_until)
        )
        units.append(Unit(begins, begins + step, _unit_out_of_hours(table, begins, judged_until)))
    if table.first_hour_straddle:
        first = [u for u in units if u.starts_at < first_hour_ends]
        if any(u.out_of_hours for u in first):
            units[: len(first)] = [Unit(u.starts_at, u.ends_at, True) for u in first]
    return units


def _unit_out_of_hours(table: FeeTable, begins: datetime, ends: datetime) -> bool:
    if begins.date() != (ends - timedelta(microseconds=1)).date():
        return True  # past midnight: always outside 7-19
    if table.is_out_of_hours_day(begins.date()):
        return True
    day = begins.date()
    in_hours_from = datetime.combine(day, table.day_start)
    in_hours_until = datetime.combine(day, table.day_end)
    return begins < in_hours_from or ends > in_hours_until


def _child_line(
    table: FeeTable, order: int, units: list[Unit], coupon_units: int, coupons: int
) -> ChildLine:
    percent = table.percent_for_child(order)
    charged = units[coupon_units:]
    unit_share = Fraction(table.unit_minutes, 60)
    fee = sum(
        (
            (table.out_of_hours_rate if u.out_of_hours else table.standard_rate)
            * unit_share
            * Fraction(percent, 100)
            for u in charged
        ),
        Fraction(0),
    )
    benefit = table.benefit_per_child_hour * unit_share * len(charged)
    return ChildLine(
        order=order,
        percent=percent,
        standard_units=sum(1 for u in units if not u.out_of_hours),
        out_of_hours_units=sum(1 for u in units if u.out_of_hours),
        coupon_units=coupon_units,
        coupons=coupons,
        fee=yen(fee),
        benefit=yen(benefit),
    )


def yen(amount: Fraction | int) -> int:
    """Round to the yen, halves up (a sibling's half of 75 yen is 38 yen)."""
    value = Fraction(amount)
    return int(
        (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
    )


def cancellation_fee(table: FeeTable, scheduled: Quote, *, notice: timedelta) -> int:
    """The fee for an activity cancelled ``notice`` before it was to start (0 without tiers).

    Tiers are (hours before, percent); of the tiers whose hours the notice falls under, the
    highest percent applies, so [[24, 50], [2, 100]] charges half the care fee under a day's
    notice and all of it under two hours.
    """
    hours = notice.total_seconds() / 3600
    applicable = [percent for limit, percent in table.cancellation_tiers if hours < limit]
    if not applicable:
        return 0
    return yen(Fraction(scheduled.fee) * Fraction(max(applicable), 100))


def single_parent_refund(table: FeeTable, fees_per_child: Mapping[Any, int]) -> dict[Any, int]:
    """The month's refund per child for an eligible household: the care fee, up to the cap."""
    return {child: min(fee, table.single_parent_cap) for child, fee in fees_per_child.items()}


def coupons_for_children(table: FeeTable, birth_dates: Sequence[date | None]) -> int:
    """Coupons a household receives for its children born on or after the qualifying date."""
    eligible = [b for b in birth_dates if b is not None and b >= table.coupon_children_born_from]
    return len(eligible) * table.coupons_per_child
