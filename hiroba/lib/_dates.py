"""Private helper shared by the date modules."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")
"""Japan Standard Time. Japan has had no daylight saving time since 1951, so a fixed
offset is exact and avoids depending on the system's tz database."""


def as_date(d: date) -> date:
    """The calendar date in Japan for a ``date`` or ``datetime``.

    ``datetime`` subclasses ``date`` but cannot be compared with one and hashes
    differently, so a datetime slipping in would raise TypeError or miss dict
    lookups. Aware datetimes (Django stores UTC) are converted to JST first: 2023-12-31
    20:00 UTC is already New Year's Day in Japan. Naive datetimes are taken as is.
    """
    if isinstance(d, datetime):
        if d.tzinfo is not None and d.utcoffset() is not None:
            return d.astimezone(JST).date()
        return d.date()
    return d
