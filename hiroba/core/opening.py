"""Whether a hub is open on a day and at a moment, from its weekly times, its holiday row, the
municipality's year-end closure and its closed days. Pure computation over rows already read
(``queries.opening_calendar`` reads them), so a page listing every hub costs no query per hub.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hiroba.core.models.opening import PUBLIC_HOLIDAY
from hiroba.lib.jpcalendar import holiday_name, is_year_end_closure

LOOK_AHEAD_DAYS = 14  # how far "next open" looks; a longer closure says "closed" only

Period = tuple[time, time]


@dataclass(frozen=True)
class DayHours:
    day: date
    periods: tuple[Period, ...]
    closed_reason: str = ""  # why a day with no periods is closed, for parents

    @property
    def is_open_day(self) -> bool:
        return bool(self.periods)


@dataclass(frozen=True)
class OpenNow:
    today: DayHours
    open_now: bool
    closes_at: time | None  # the end of the period it is open in
    next_opening: datetime | None  # the next start after now, within LOOK_AHEAD_DAYS


@dataclass(frozen=True)
class HubCalendar:
    weekly: dict[int, tuple[Period, ...]]  # 0 Monday … 6 Sunday, 7 public holidays
    closures: tuple[tuple[date, date, str], ...]
    year_end: tuple[tuple[int, int], tuple[int, int]] | None

    @property
    def has_hours(self) -> bool:
        return any(self.weekly.values())

    def day(self, day: date) -> DayHours:
        for first, last, reason in self.closures:
            if first <= day <= last:
                return DayHours(day, (), reason or pgettext("opening", "Closed"))
        if self.year_end and is_year_end_closure(
            day, first=self.year_end[0], last=self.year_end[-1]
        ):
            return DayHours(day, (), _("Closed for the New Year holidays"))
        holiday = holiday_name(day)
        row = PUBLIC_HOLIDAY if holiday else day.weekday()
        periods = self.weekly.get(row, ())
        if periods:
            return DayHours(day, periods)
        return DayHours(day, (), holiday or _("Regular closing day"))

    def days_from(self, first: date, count: int = 7) -> list[DayHours]:
        """The hours of ``count`` days from ``first``: the week shown to parents and staff."""
        return [self.day(first + timedelta(days=n)) for n in range(count)]

    def status_at(self, moment: datetime) -> OpenNow | None:
        """Open now, today's hours and the next opening; None when the hub gave no times (the
        portal then claims nothing)."""
        return self.at(moment) if self.has_hours else None

    def at(self, moment: datetime) -> OpenNow:
        local = timezone.localtime(moment)
        today = self.day(local.date())
        now = local.time()
        current = next(((o, c) for o, c in today.periods if o <= now < c), None)
        return OpenNow(
            today=today,
            open_now=current is not None,
            closes_at=current[1] if current else None,
            next_opening=None if current else self._next_opening(local),
        )

    def _next_opening(self, local: datetime) -> datetime | None:
        for offset in range(LOOK_AHEAD_DAYS + 1):
            day = local.date() + timedelta(days=offset)
            for opens, _closes in self.day(day).periods:
                start = timezone.make_aware(datetime.combine(day, opens))
                if start > local:
                    return start
        return None


def calendar_from(periods, closures, hub_rules: dict) -> HubCalendar:
    weekly: dict[int, list[Period]] = {}
    for period in sorted(periods, key=lambda p: (p.weekday, p.opens)):
        weekly.setdefault(period.weekday, []).append((period.opens, period.closes))
    return HubCalendar(
        weekly={k: tuple(v) for k, v in weekly.items()},
        closures=tuple((c.first_day, c.last_day, c.reason) for c in closures),
        year_end=_year_end(hub_rules),
    )


def _year_end(hub_rules: dict):
    first, last = hub_rules.get("year_end_closure_first"), hub_rules.get("year_end_closure_last")
    if not first or not last:
        return None
    return tuple(int(x) for x in first.split("-")), tuple(int(x) for x in last.split("-"))
