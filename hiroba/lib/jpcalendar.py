"""Japanese calendar facts a hub needs: public holidays, the year-end closure, weekdays.

Holidays come from the ``holidays`` package (Japanese names, e.g. "元日", "振替休日").
It covers 1949-2099; for years outside that range it knows no holidays, so these
functions then report ordinary days. Results are cached per year because calendars
and reports ask about the same few years thousands of times.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

import holidays

from hiroba.lib._dates import as_date

WEEKDAY_LABELS = ("月", "火", "水", "木", "金", "土", "日")
"""One-character Japanese weekday names, indexed by ``date.weekday()`` (Monday = 0)."""


@functools.lru_cache(maxsize=256)
def _holidays_of_year(year: int) -> Mapping[date, str]:
    """All public holidays of ``year``; read-only because the cached value is shared."""
    calendar = holidays.country_holidays("JP", language="ja", years=year)
    return MappingProxyType(dict(calendar.items()))


def holiday_name(d: date) -> str | None:
    """The Japanese name of the public holiday on ``d`` ("元日"), or None."""
    d = as_date(d)
    return _holidays_of_year(d.year).get(d)


def is_public_holiday(d: date) -> bool:
    """Whether ``d`` is a national holiday, including substitute (振替) and 国民の休日."""
    return holiday_name(d) is not None


def is_year_end_closure(
    d: date, *, first: tuple[int, int] = (12, 29), last: tuple[int, int] = (1, 3)
) -> bool:
    """Whether ``d`` falls in the closure from ``first`` to ``last`` (month, day), inclusive.

    Public facilities close for 年末年始 (12/29-1/3 by default); the span crosses New
    Year, so a plain ``first <= d <= last`` comparison would never match. A span that
    does not wrap (e.g. a summer closure (8, 13)-(8, 16)) works too.
    """
    d = as_date(d)
    month_day = (d.month, d.day)
    if first <= last:
        return first <= month_day <= last
    return month_day >= first or month_day <= last


def weekday_label(d: date) -> str:
    """The one-character weekday printed on Japanese calendars: 月 (Monday) to 日."""
    return WEEKDAY_LABELS[as_date(d).weekday()]


def is_weekend_or_holiday(d: date) -> bool:
    """Whether ``d`` is a Saturday, Sunday or public holiday (土日祝)."""
    d = as_date(d)
    return d.weekday() >= 5 or is_public_holiday(d)


def public_holidays_between(start: date, end: date) -> list[tuple[date, str]]:
    """Public holidays from ``start`` to ``end`` inclusive, in date order."""
    start, end = as_date(start), as_date(end)
    if start > end:
        raise ValueError(f"start {start} is after end {end}")
    found: list[tuple[date, str]] = []
    for year in range(start.year, end.year + 1):
        for day, name in _holidays_of_year(year).items():
            if start <= day <= end:
                found.append((day, name))
    return sorted(found)
