"""Program statistics for one hub and one fiscal year (April–March): per month, by category
and per program (issue 4).

Figures, all aggregates (no family is named, so ward officials see the same page):

- sessions held (started by now) and how many of them were of programs that count as a
  lecture (講習). The national standard asks for at least one lecture a month; a month over
  without one is flagged, the current month shows what is still planned;
- participants per session (延べ): families and people who attended (attendance marked
  "attended", adults and children as the entry gave them) plus those who came without signing
  up (the session's walk-in counts); families who did not come (absent) and who sent apologies;
- for programs with sign-up and a capacity in families, counted in the month of their first
  session once it has started: families confirmed at the start against the capacity (fill
  rate) and families still waiting for a seat at the start (waiting list).

Confirmed "at the start" is read from the entry's history fields, so a cancellation after the
start (a phone call on the day) still counts as a seat taken at the start: confirmed at or
before the first session and not ended before it. Everything is read in three queries,
whatever the number of programs, sessions and entries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from hiroba.core.models import Hub
from hiroba.lib.fiscal import fiscal_year_bounds, fiscal_year_months
from hiroba.programs.choices import AttendanceStatus, ProgramCategory, ProgramStatus, SignupMode
from hiroba.programs.models import Attendance, Program, ProgramSession

LECTURES_PER_MONTH = 1
"""The national standard for 地域子育て支援拠点: at least one lecture or class a month."""

# How a month stands against the lecture rule.
LECTURE_HELD, LECTURE_MISSING, LECTURE_PENDING, LECTURE_FUTURE = (
    "held",
    "missing",
    "pending",
    "future",
)
LECTURE_LABELS = {
    LECTURE_HELD: _("Held"),
    LECTURE_MISSING: _("No lecture this month"),
    LECTURE_PENDING: _("None yet this month"),
    LECTURE_FUTURE: _("Not yet"),
}


@dataclass
class Figures:
    """Additive counts; rates are derived so that totals are rates of the sums."""

    sessions: int = 0
    lecture_sessions: int = 0
    planned_lectures: int = 0
    attended_families: int = 0
    attended_adults: int = 0
    attended_children: int = 0
    walk_in_families: int = 0
    walk_in_people: int = 0
    absent: int = 0
    excused: int = 0
    programs_with_capacity: int = 0
    capacity_families: int = 0
    confirmed_at_start: int = 0
    waiting_at_start: int = 0

    def add(self, other: Figures) -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    @property
    def families(self) -> int:
        """Families who took part, per session: signed-up families who came and walk-ins."""
        return self.attended_families + self.walk_in_families

    @property
    def people(self) -> int:
        return self.attended_adults + self.attended_children + self.walk_in_people

    @property
    def fill_rate(self) -> float | None:
        """Families confirmed at the start per family seat, in percent (one decimal)."""
        if not self.capacity_families:
            return None
        return round(100 * self.confirmed_at_start / self.capacity_families, 1)


@dataclass
class MonthRow:
    month: date
    label: str
    figures: Figures = field(default_factory=Figures)
    lecture_status: str = LECTURE_FUTURE

    @property
    def lecture_label(self) -> str:
        return str(LECTURE_LABELS[self.lecture_status])

    @property
    def lacks_lecture(self) -> bool:
        return self.lecture_status == LECTURE_MISSING


@dataclass
class Row:
    """A labelled line of the category or program table."""

    key: object
    label: str
    figures: Figures = field(default_factory=Figures)
    note: str = ""
    first_day: date | None = None


@dataclass
class ProgramStatistics:
    hub: Hub
    fiscal_year: int
    start: date
    end: date
    months: list[MonthRow]
    categories: list[Row]
    programs: list[Row]
    total: Figures

    @property
    def months_without_lecture(self) -> list[MonthRow]:
        return [m for m in self.months if m.lacks_lecture]


# -- the three queries ---------------------------------------------------------------------------
def _bounds(fiscal_year: int) -> tuple[date, date, datetime, datetime]:
    start, end = fiscal_year_bounds(fiscal_year)
    after = end + timedelta(days=1)
    return (
        start,
        end,
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(after, time.min)),
    )


def _sessions(hub: Hub, since: datetime, until: datetime) -> list[dict]:
    return list(
        ProgramSession.objects.filter(
            program__hub=hub,
            program__status=ProgramStatus.PUBLISHED,
            starts_at__gte=since,
            starts_at__lt=until,
        )
        .values("pk", "program_id", "starts_at", "walk_in_families", "walk_in_people")
        .order_by("starts_at", "pk")
    )


def _at_start(prefix: str = "entries__") -> tuple[Q, Q]:
    """(confirmed at the first session, waiting for a seat at the first session)."""
    start = F("first_starts_at")
    not_ended = Q(**{f"{prefix}ended_at__isnull": True}) | Q(**{f"{prefix}ended_at__gt": start})
    confirmed = Q(**{f"{prefix}confirmed_at__lte": start}) & not_ended
    not_confirmed = Q(**{f"{prefix}confirmed_at__isnull": True}) | Q(
        **{f"{prefix}confirmed_at__gt": start}
    )
    waiting = (
        Q(**{f"{prefix}waitlist_seq__isnull": False, f"{prefix}created_at__lte": start})
        & not_confirmed
        & not_ended
    )
    return confirmed, waiting


def _programs(hub: Hub, since: datetime, until: datetime) -> dict[int, dict]:
    """Published programs with a session in the year, with their start-of-program counts."""
    confirmed, waiting = _at_start()
    rows = (
        Program.objects.filter(
            hub=hub,
            status=ProgramStatus.PUBLISHED,
            first_starts_at__lt=until,
            last_ends_at__gte=since,
        )
        .annotate(
            confirmed_at_start=Count("entries", filter=confirmed),
            waiting_at_start=Count("entries", filter=waiting),
        )
        .values(
            "pk",
            "title",
            "category",
            "counts_as_lecture",
            "signup_mode",
            "capacity_families",
            "first_starts_at",
            "confirmed_at_start",
            "waiting_at_start",
        )
        .order_by("first_starts_at", "pk")
    )
    return {row["pk"]: row for row in rows}


def _attendance(hub: Hub, since: datetime, until: datetime) -> dict[int, dict[str, dict]]:
    """Per session and attendance status: families, adults and children."""
    rows = (
        Attendance.objects.filter(
            session__program__hub=hub,
            session__program__status=ProgramStatus.PUBLISHED,
            session__starts_at__gte=since,
            session__starts_at__lt=until,
        )
        .values("session_id", "status")
        .annotate(n=Count("pk"), adults=Sum("entry__adults"), children=Sum("entry__children"))
        .order_by()
    )
    found: dict[int, dict[str, dict]] = defaultdict(dict)
    for row in rows:
        found[row["session_id"]][row["status"]] = row
    return found


# -- putting the figures together ----------------------------------------------------------------
def _session_figures(session: dict, program: dict, marks: dict[str, dict], held: bool) -> Figures:
    figures = Figures()
    if not held:
        figures.planned_lectures = int(program["counts_as_lecture"])
        return figures
    attended = marks.get(AttendanceStatus.ATTENDED, {})
    figures.sessions = 1
    figures.lecture_sessions = int(program["counts_as_lecture"])
    figures.attended_families = attended.get("n") or 0
    figures.attended_adults = attended.get("adults") or 0
    figures.attended_children = attended.get("children") or 0
    figures.walk_in_families = session["walk_in_families"]
    figures.walk_in_people = session["walk_in_people"]
    figures.absent = marks.get(AttendanceStatus.ABSENT, {}).get("n") or 0
    figures.excused = marks.get(AttendanceStatus.EXCUSED, {}).get("n") or 0
    return figures


def _fill_figures(program: dict, now: datetime) -> Figures:
    """Seats at the start, for programs with sign-up and a family capacity that started."""
    figures = Figures()
    started = program["first_starts_at"] is not None and program["first_starts_at"] <= now
    counted = program["signup_mode"] != SignupMode.DROP_IN and program["capacity_families"]
    if started and counted:
        figures.programs_with_capacity = 1
        figures.capacity_families = program["capacity_families"]
        figures.confirmed_at_start = program["confirmed_at_start"]
        figures.waiting_at_start = program["waiting_at_start"]
    return figures


def _month_key(moment: datetime) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def _lecture_status(month: MonthRow, today: date) -> str:
    if month.figures.lecture_sessions >= LECTURES_PER_MONTH:
        return LECTURE_HELD
    if month.month > today:
        return LECTURE_FUTURE
    following = (month.month + timedelta(days=32)).replace(day=1)
    return LECTURE_MISSING if following <= today else LECTURE_PENDING


def _category_label(key: str) -> str:
    try:
        return str(ProgramCategory(key).label)
    except ValueError:
        return key


class _Tally:
    """Adds each session's and program's figures to its program, category, month and the
    year's total."""

    def __init__(self, fiscal_year: int) -> None:
        self.months = {
            date(y, m, 1): MonthRow(
                date(y, m, 1), formats.date_format(date(y, m, 1), "YEAR_MONTH_FORMAT")
            )
            for y, m in fiscal_year_months(fiscal_year)
        }
        self.programs: dict[int, Row] = {}
        self.categories: dict[str, Row] = {}
        self.total = Figures()

    def _program_row(self, program: dict) -> Row:
        if program["pk"] not in self.programs:
            first = program["first_starts_at"]
            self.programs[program["pk"]] = Row(
                program["pk"],
                program["title"],
                note=_category_label(program["category"]),
                first_day=timezone.localtime(first).date() if first else None,
            )
        return self.programs[program["pk"]]

    def _category_row(self, category: str) -> Row:
        if category not in self.categories:
            self.categories[category] = Row(category, _category_label(category))
        return self.categories[category]

    def add(self, program: dict, moment: datetime, figures: Figures) -> None:
        for target in (
            self._program_row(program).figures,
            self._category_row(program["category"]).figures,
            self.months[_month_key(moment)].figures,
            self.total,
        ):
            target.add(figures)

    def sorted_categories(self) -> list[Row]:
        order = {key: n for n, key in enumerate(ProgramCategory.values)}
        return sorted(self.categories.values(), key=lambda row: order.get(row.key, len(order)))


def program_statistics(
    hub: Hub, fiscal_year: int, *, now: datetime | None = None
) -> ProgramStatistics:
    """The figures of ``hub``'s programs in ``fiscal_year``; sessions after ``now`` are
    planned, not held."""
    now = now or timezone.now()
    start, end, since, until = _bounds(fiscal_year)
    programs = _programs(hub, since, until)
    marks = _attendance(hub, since, until)
    tally = _Tally(fiscal_year)
    for session in _sessions(hub, since, until):
        program = programs.get(session["program_id"])
        if program is None:  # outside the program's recorded span: cannot happen, be safe
            continue
        held = session["starts_at"] <= now
        figures = _session_figures(session, program, marks.get(session["pk"], {}), held)
        tally.add(program, session["starts_at"], figures)
    for program in programs.values():
        first = program["first_starts_at"]
        if first is not None and since <= first < until:
            tally.add(program, first, _fill_figures(program, now))
    today = timezone.localtime(now).date()
    for month in tally.months.values():
        month.lecture_status = _lecture_status(month, today)
    return ProgramStatistics(
        hub=hub,
        fiscal_year=fiscal_year,
        start=start,
        end=end,
        months=list(tally.months.values()),
        categories=tally.sorted_categories(),
        programs=list(tally.programs.values()),
        total=tally.total,
    )
