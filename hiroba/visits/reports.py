"""Visit statistics: the monthly report (月報), the fiscal-year report (年報) and the ten-year
trend, for a hub group (a main hub and its satellites) or a whole ward.

Every figure is a sum of the counts the visit rows carry (decision 0006): person-visits (人回)
of adults and of children by age band at the visit date, groups (組 = ``pairs``), fathers,
grandparents, pregnant visitors and first visits. Yearly and trend figures read the monthly
rollup (``VisitMonth``); only the per-day table of one month reads raw visits. Distinct
families are sums of the first-of-month/year flags when the report covers whole hub groups;
for a part of a group (a satellite's own staff) they are counted from the visits instead,
because a family's first visit of the month may have been at the main hub.

Functions here take an explicit ``ReportScope``; the views decide what a user may see. Nothing
here reads a name: the pages are aggregates only, for ward officials too. Each report runs a
fixed number of queries whatever the amount of data.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from hiroba.core.choices import VenueKind
from hiroba.core.models import District, Hub, Venue, Ward
from hiroba.families import queries as family_queries
from hiroba.lib.fiscal import fiscal_year_bounds, fiscal_year_months, fiscal_year_of
from hiroba.lib.jpcalendar import holiday_name, weekday_label
from hiroba.visits.choices import DayType
from hiroba.visits.models import COUNT_FIELDS, DailyLog, Visit, VisitMonth
from hiroba.visits.services import day_type_of

TREND_YEARS = 10
FIELDS = ("visits", *COUNT_FIELDS)
"""The additive figures: visit rows and the counts every row carries."""
ROLLUP_VALUES = (*FIELDS, "families_in_month", "families_in_year")

MAIN, SATELLITE, OUTREACH = "main", "satellite", "outreach"
CATEGORY_LABELS = {
    MAIN: _("Main hub room"),
    SATELLITE: _("Satellite"),
    OUTREACH: _("Outreach sites"),
}
DAY_TYPE_LABELS = dict(DayType.choices)


# -- scope -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportScope:
    """The hubs a report covers, all in one ward. ``whole_ward``: every hub of the ward;
    ``whole_groups``: every hub of each hub group (so the flags count distinct families)."""

    ward: Ward
    hub_ids: frozenset[int]
    registry_ids: frozenset[int]
    whole_ward: bool
    whole_groups: bool
    label: str

    def filter(self) -> Q:
        """Rows of visits or of the rollup (both carry ward, registry hub and hub), through
        the narrowest index for the scope."""
        if self.whole_ward:
            return Q(ward_id=self.ward.pk)
        if self.whole_groups:
            return Q(registry_hub_id__in=sorted(self.registry_ids))
        return Q(hub_id__in=sorted(self.hub_ids))


def hub_group_scope(hub: Hub, reachable_hub_ids: Iterable[int]) -> ReportScope:
    """The hub group of ``hub`` (main hub and satellites), limited to the hubs in reach."""
    group_id = hub.parent_id or hub.pk
    group = list(Hub.objects.filter(Q(pk=group_id) | Q(parent_id=group_id)).order_by("kind", "pk"))
    reach = set(reachable_hub_ids)
    hubs = [h for h in group if h.pk in reach]
    main = next((h for h in group if h.pk == group_id), hub)
    return ReportScope(
        ward=hub.ward,
        hub_ids=frozenset(h.pk for h in hubs),
        registry_ids=frozenset({group_id}),
        whole_ward=False,
        whole_groups=len(hubs) == len(group),
        label=main.name if len(hubs) == len(group) else ", ".join(h.name for h in hubs),
    )


def ward_scope(ward: Ward) -> ReportScope:
    hubs = list(Hub.objects.filter(ward=ward).values_list("pk", "parent_id"))
    return ReportScope(
        ward=ward,
        hub_ids=frozenset(pk for pk, _parent in hubs),
        registry_ids=frozenset(parent or pk for pk, parent in hubs),
        whole_ward=True,
        whole_groups=True,
        label=str(ward),
    )


# -- figures ---------------------------------------------------------------------------------
class Figures:
    """Sums of the additive counts; ``families`` is set only where it means distinct
    families (per month, per year, per district), else None."""

    __slots__ = (*FIELDS, "families")

    def __init__(self) -> None:
        for name in FIELDS:
            setattr(self, name, 0)
        self.families: int | None = None

    def add(self, values: Mapping[str, int | None]) -> None:
        for name in FIELDS:
            setattr(self, name, getattr(self, name) + (values.get(name) or 0))

    def add_families(self, number: int | None) -> None:
        self.families = (self.families or 0) + (number or 0)

    @property
    def children(self) -> int:
        return self.children_0 + self.children_1 + self.children_2 + self.children_3

    @property
    def people(self) -> int:
        """Person-visits (人回): adults and children."""
        return self.adults + self.children

    @property
    def first_visit_share(self) -> float | None:
        """First visits per group, in percent (one decimal); None without groups."""
        if not self.pairs:
            return None
        return round(100 * self.first_visits / self.pairs, 1)

    def __repr__(self) -> str:
        return f"Figures(pairs={self.pairs}, people={self.people}, families={self.families})"


@dataclass
class Row:
    """One labelled line of a table."""

    label: str
    figures: Figures = field(default_factory=Figures)
    note: str = ""
    key: object = None


def venue_category(venue: Venue) -> str:
    if venue.kind != VenueKind.HIROBA_ROOM:
        return OUTREACH
    return SATELLITE if venue.hub.parent_id else MAIN


def _venues(scope: ReportScope) -> list[Venue]:
    return list(
        Venue.objects.filter(hub_id__in=sorted(scope.hub_ids))
        .select_related("hub")
        .order_by("hub__kind", "hub_id", "sort_order", "name")
    )


def _districts(scope: ReportScope) -> list[District]:
    return list(District.objects.filter(ward=scope.ward).order_by("sort_order", "name"))


def _rollup_rows(scope: ReportScope, **filters) -> list[dict]:
    names = ("venue_id", "district_id", "day_type", "month", "fiscal_year", *ROLLUP_VALUES)
    return list(VisitMonth.objects.filter(scope.filter(), **filters).values(*names).order_by())


class _Breakdown:
    """Rows by venue, category, district and day type, filled from rollup rows."""

    def __init__(self, venues: list[Venue], districts: list[District]) -> None:
        self.venues = {
            v.pk: Row(v.name, note=str(CATEGORY_LABELS[venue_category(v)]), key=v) for v in venues
        }
        self.venue_category = {v.pk: venue_category(v) for v in venues}
        self.categories = {key: Row(str(label), key=key) for key, label in CATEGORY_LABELS.items()}
        self.districts = {d.pk: Row(d.name, key=d) for d in districts}
        self.unknown_district = Row(str(_("Unknown or outside the ward")))
        self.day_types = {key: Row(str(label), key=key) for key, label in DAY_TYPE_LABELS.items()}

    def add(self, row: Mapping, families_column: str | None) -> None:
        venue = self.venues.get(row["venue_id"])
        if venue is not None:  # a venue of a hub outside the scope cannot appear; be safe
            venue.figures.add(row)
            self.categories[self.venue_category[row["venue_id"]]].figures.add(row)
        district = self.districts.get(row["district_id"], self.unknown_district)
        district.figures.add(row)
        if families_column:
            district.figures.add_families(row[families_column])
        self.day_types[row["day_type"]].figures.add(row)

    def venue_rows(self) -> list[Row]:
        return list(self.venues.values())

    def category_rows(self) -> list[Row]:
        return list(self.categories.values())

    def district_rows(self, families: bool) -> list[Row]:
        rows = [*self.districts.values(), self.unknown_district]
        if families:
            for row in rows:
                row.figures.families = row.figures.families or 0
        return rows

    def day_type_rows(self) -> list[Row]:
        return list(self.day_types.values())


# -- distinct families counted from the visits (scopes that cut through a hub group) -------------
def _registered(scope: ReportScope, start: date, end: date):
    return Visit.objects.filter(
        scope.filter(), visited_on__gte=start, visited_on__lte=end, household__isnull=False
    )


def _families_between(scope: ReportScope, start: date, end: date) -> int:
    return _registered(scope, start, end).values("household_id").distinct().count()


def _families_by_month(scope: ReportScope, start: date, end: date) -> dict[date, int]:
    rows = (
        _registered(scope, start, end)
        .annotate(y=ExtractYear("visited_on"), m=ExtractMonth("visited_on"))
        .values("y", "m")
        .annotate(n=Count("household_id", distinct=True))
        .order_by()
    )
    return {date(r["y"], r["m"], 1): r["n"] for r in rows}


def _families_by_fiscal_year(scope: ReportScope, first_fy: int, last_fy: int) -> dict[int, int]:
    start, end = fiscal_year_bounds(first_fy)[0], fiscal_year_bounds(last_fy)[1]
    # January to March belong to the previous fiscal year: group by (year, month < 4) and
    # collect households per fiscal year in Python (a part of one hub group: few rows).
    rows = (
        _registered(scope, start, end)
        .annotate(y=ExtractYear("visited_on"), m=ExtractMonth("visited_on"))
        .values_list("household_id", "y", "m")
        .distinct()
    )
    seen: dict[int, set[int]] = defaultdict(set)
    for household, year, month in rows:
        seen[year - 1 if month < 4 else year].add(household)
    return {fy: len(households) for fy, households in seen.items()}


def _registrations_by_month(scope: ReportScope, start: date, end: date) -> dict[date, int]:
    by_month: dict[date, int] = defaultdict(int)
    for day, n in family_queries.registrations_by_day(scope.registry_ids, start, end).items():
        by_month[day.replace(day=1)] += n
    return by_month


# -- the monthly report (月報) ------------------------------------------------------------------
@dataclass
class DayRow:
    day: date
    weekday: str
    holiday: str
    is_holiday: bool
    figures: Figures


@dataclass
class WeekCheck:
    start: date
    end: date
    open_days: int
    complete: bool
    below_minimum: bool


@dataclass
class RoomOpening:
    """Opening days and hours of a drop-in room in the month, from its daily log, against the
    municipality's minimum (national standard: 3 days a week, 5 hours a day)."""

    venue: Venue
    open_days: int = 0
    open_minutes: int = 0
    weeks: list[WeekCheck] = field(default_factory=list)
    short_days: list[tuple[date, float]] = field(default_factory=list)
    unrecorded_days: list[date] = field(default_factory=list)

    @property
    def open_hours(self) -> float:
        return round(self.open_minutes / 60, 1)

    @property
    def weeks_below(self) -> list[WeekCheck]:
        return [w for w in self.weeks if w.below_minimum]


@dataclass
class MonthlyReport:
    scope: ReportScope
    month: date
    end: date
    total: Figures
    registrations: int
    categories: list[Row]
    venues: list[Row]
    districts: list[Row]
    day_types: list[Row]
    days: list[DayRow]
    opening: list[RoomOpening]
    minimum: OpeningMinimum


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def monthly_report(
    scope: ReportScope, month: date, *, rules: Mapping, today: date
) -> MonthlyReport:
    start, end = month.replace(day=1), month_end(month)
    venues, districts = _venues(scope), _districts(scope)
    breakdown = _Breakdown(venues, districts)
    total = Figures()
    flags = scope.whole_groups
    for row in _rollup_rows(scope, month=start):
        total.add(row)
        breakdown.add(row, "families_in_month" if flags else None)
        if flags:
            total.add_families(row["families_in_month"])
    if not flags:
        total.families = _families_between(scope, start, end)
    elif total.families is None:
        total.families = 0
    rooms = [v for v in venues if v.kind == VenueKind.HIROBA_ROOM]
    minimum = OpeningMinimum.from_rules(rules)
    return MonthlyReport(
        scope=scope,
        month=start,
        end=end,
        total=total,
        registrations=_registrations_by_month(scope, start, end).get(start, 0),
        categories=breakdown.category_rows(),
        venues=breakdown.venue_rows(),
        districts=breakdown.district_rows(families=flags),
        day_types=breakdown.day_type_rows(),
        days=_days(scope, start, end),
        opening=opening_checks(rooms, start, end, minimum=minimum, today=today),
        minimum=minimum,
    )


def _days(scope: ReportScope, start: date, end: date) -> list[DayRow]:
    """One row per day of the month from the raw visits (one hub group's or ward's month is
    at most a few thousand rows, grouped by the database)."""
    sums = {f"t_{name}": Sum(name) for name in COUNT_FIELDS}
    grouped = (
        Visit.objects.filter(scope.filter(), visited_on__gte=start, visited_on__lte=end)
        .values("visited_on")
        .annotate(t_visits=Count("pk"), t_families=Count("household_id", distinct=True), **sums)
        .order_by()
    )
    found = {g["visited_on"]: g for g in grouped}
    days = []
    day = start
    while day <= end:
        figures = Figures()
        row = found.get(day)
        if row is not None:
            figures.add({name: row[f"t_{name}"] for name in FIELDS})
            figures.families = row["t_families"]
        is_holiday = day_type_of(day) == DayType.HOLIDAY
        days.append(DayRow(day, weekday_label(day), holiday_name(day) or "", is_holiday, figures))
        day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class OpeningMinimum:
    """The municipality's minimum opening (hub rules), e.g. 3 days a week and 5 hours a day."""

    days_per_week: int
    hours_per_day: float

    @classmethod
    def from_rules(cls, rules: Mapping) -> OpeningMinimum:
        return cls(
            int(rules["minimum_open_days_per_week"]), float(rules["minimum_open_hours_per_day"])
        )


def _minutes(opened, closed) -> int | None:
    if closed is None:
        return None
    return max((closed.hour * 60 + closed.minute) - (opened.hour * 60 + opened.minute), 0)


def opening_checks(
    rooms: list[Venue], start: date, end: date, *, minimum: OpeningMinimum, today: date
) -> list[RoomOpening]:
    """Days open per ISO week (whole weeks, so the weeks across the month's edges are judged on
    all their days) and days shorter than the minimum, from the daily log of each room. A week
    not over yet is not judged."""
    first_monday = start - timedelta(days=start.weekday())
    last_sunday = end + timedelta(days=6 - end.weekday())
    logs = DailyLog.objects.filter(
        venue_id__in=[r.pk for r in rooms], date__gte=first_monday, date__lte=last_sunday
    ).values_list("venue_id", "date", "opened_at", "closed_at")
    open_days: dict[int, dict[date, int | None]] = defaultdict(dict)
    for venue_id, day, opened, closed in logs:
        if opened is not None:
            open_days[venue_id][day] = _minutes(opened, closed)
    results = []
    for room in rooms:
        result = _days_open(RoomOpening(room), open_days[room.pk], start, end, minimum)
        monday = first_monday
        while monday <= last_sunday:
            sunday = monday + timedelta(days=6)
            count = sum(1 for day in open_days[room.pk] if monday <= day <= sunday)
            complete = sunday < today
            below = complete and count < minimum.days_per_week
            result.weeks.append(WeekCheck(monday, sunday, count, complete, below))
            monday += timedelta(days=7)
        results.append(result)
    return results


def _days_open(result: RoomOpening, days, start, end, minimum: OpeningMinimum) -> RoomOpening:
    for day, minutes in sorted(days.items()):
        if not start <= day <= end:
            continue
        result.open_days += 1
        if minutes is None:
            result.unrecorded_days.append(day)
            continue
        result.open_minutes += minutes
        if minutes < minimum.hours_per_day * 60:
            result.short_days.append((day, round(minutes / 60, 1)))
    return result


# -- the fiscal-year report (年報) --------------------------------------------------------------
@dataclass
class YearlyReport:
    scope: ReportScope
    fiscal_year: int
    start: date
    end: date
    months: list[Row]
    total: Figures
    registrations: int
    registrations_by_month: list[int]
    categories: list[Row]
    venues: list[Row]
    districts: list[Row]
    day_types: list[Row]


def yearly_report(scope: ReportScope, fiscal_year: int) -> YearlyReport:
    """Month × measures from the rollup, with totals, distinct families in the year and the
    breakdowns by venue, district and day type."""
    start, end = fiscal_year_bounds(fiscal_year)
    months = {}
    for y, m in fiscal_year_months(fiscal_year):
        key = date(y, m, 1)
        months[key] = Row(formats.date_format(key, "YEAR_MONTH_FORMAT"), key=key)
    breakdown = _Breakdown(_venues(scope), _districts(scope))
    total = Figures()
    flags = scope.whole_groups
    for row in _rollup_rows(scope, fiscal_year=fiscal_year):
        month = months[row["month"]].figures
        month.add(row)
        total.add(row)
        breakdown.add(row, "families_in_year" if flags else None)
        if flags:
            month.add_families(row["families_in_month"])
            total.add_families(row["families_in_year"])
    if flags:
        for row in months.values():
            row.figures.families = row.figures.families or 0
        total.families = total.families or 0
    else:
        by_month = _families_by_month(scope, start, end)
        for key, row in months.items():
            row.figures.families = by_month.get(key, 0)
        total.families = _families_between(scope, start, end)
    registrations = _registrations_by_month(scope, start, end)
    return YearlyReport(
        scope=scope,
        fiscal_year=fiscal_year,
        start=start,
        end=end,
        months=list(months.values()),
        total=total,
        registrations=sum(registrations.values()),
        registrations_by_month=[registrations.get(key, 0) for key in months],
        categories=breakdown.category_rows(),
        venues=breakdown.venue_rows(),
        districts=breakdown.district_rows(families=flags),
        day_types=breakdown.day_type_rows(),
    )


# -- the ten-year trend ------------------------------------------------------------------------
@dataclass
class TrendYear:
    fiscal_year: int
    figures: Figures
    registrations: int


def trend_report(
    scope: ReportScope, last_fiscal_year: int, years: int = TREND_YEARS
) -> list[TrendYear]:
    """Per fiscal year: visits by age band, groups and distinct families, oldest first. The
    rollup is grouped by the database (a ward's ten years are a few ten thousand rows)."""
    first = last_fiscal_year - years + 1
    sums = {f"t_{name}": Sum(name) for name in (*FIELDS, "families_in_year")}
    grouped = (
        VisitMonth.objects.filter(
            scope.filter(), fiscal_year__gte=first, fiscal_year__lte=last_fiscal_year
        )
        .values("fiscal_year")
        .annotate(**sums)
        .order_by()
    )
    found = {g["fiscal_year"]: g for g in grouped}
    raw_families = (
        {} if scope.whole_groups else _families_by_fiscal_year(scope, first, last_fiscal_year)
    )
    registrations: dict[int, int] = defaultdict(int)
    start, end = fiscal_year_bounds(first)[0], fiscal_year_bounds(last_fiscal_year)[1]
    for day, n in family_queries.registrations_by_day(scope.registry_ids, start, end).items():
        registrations[fiscal_year_of(day)] += n
    result = []
    for fy in range(first, last_fiscal_year + 1):
        figures = Figures()
        row = found.get(fy)
        if row is not None:
            figures.add({name: row[f"t_{name}"] for name in FIELDS})
        if scope.whole_groups:
            figures.families = (row or {}).get("t_families_in_year") or 0
        else:
            figures.families = raw_families.get(fy, 0)
        result.append(TrendYear(fy, figures, registrations.get(fy, 0)))
    return result
