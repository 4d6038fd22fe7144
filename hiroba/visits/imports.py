"""Import of past day tallies (the old 日計表 spreadsheet): one row per venue and day.

Every imported row becomes a tally visit with ``source_key = "import"``. With the unique
constraint (venue, day, source_key) that means: a venue's day can be imported once, whatever
the file. Re-importing the same file finds every day already there with the same figures and
creates nothing; a corrected file finds different figures and reports the day as a conflict
instead of counting it twice — unless the manager ticks "replace", which removes the earlier
imported tally and records the new one in the same transaction. Days that already have
visits of another kind (check-ins, walk-ins, a hand-entered tally) are conflicts too: the
old spreadsheet's day total would count those visitors a second time.

The key deliberately leaves out the file and the figures: a hash of them would let a
corrected file add a second row for the same day, which is exactly the double count to avoid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hiroba.accounts.scope import scope_for
from hiroba.core import audit
from hiroba.core.input_errors import message_for
from hiroba.core.models import Hub, Venue
from hiroba.core.queries import venues_in
from hiroba.core.spreadsheets import CellProblem, SpreadsheetError, read_data_rows, shown_problems
from hiroba.lib import kana, wareki
from hiroba.lib.csvio import CsvRow
from hiroba.lib.errors import InputError
from hiroba.visits import services
from hiroba.visits.choices import VisitKind
from hiroba.visits.models import COUNT_FIELDS, Visit
from hiroba.visits.services import MAX_TALLY_PEOPLE, Counts, VisitError

IMPORT_SOURCE_KEY = "import"
MANUAL_SOURCE_KEY = "manual"
TALLY_COLUMNS = {
    "date": ["日付", "年月日", "開催日", "利用日", "date"],
    "venue": ["会場", "会場名", "場所", "venue"],
    "pairs": ["組数", "組", "親子組数", "pairs", "groups"],
    "adults": ["大人", "大人数", "保護者数", "adults"],
    "fathers": ["父親", "父", "父親数", "fathers"],
    "grandparents": ["祖父母", "祖父母数", "grandparents"],
    "pregnant": ["妊婦", "妊婦数", "pregnant"],
    "children_0": ["0歳", "0歳児", "children_0", "age 0"],
    "children_1": ["1歳", "1歳児", "children_1", "age 1"],
    "children_2": ["2歳", "2歳児", "children_2", "age 2"],
    "children_3": ["3歳以上", "3歳児以上", "3歳~", "3歳〜", "children_3", "age 3+"],
    "first_visits": ["初来館", "初来館組数", "初回", "first_visits", "first visits"],
}
REQUIRED_COLUMNS = ("date", "venue", "pairs", "adults")
COUNT_COLUMNS = tuple(name for name in TALLY_COLUMNS if name in COUNT_FIELDS)
MAX_ROWS = 10000
PREVIEW_LIMIT = 200
_UNIT = re.compile(r"(人|組|名)$")


@dataclass(frozen=True)
class Problem(CellProblem):
    COLUMNS = TALLY_COLUMNS


@dataclass
class TallyRow:
    line: int
    venue: Venue
    on: date
    counts: Counts
    existing: Visit | None = None

    @property
    def people(self) -> int:
        return self.counts.people


@dataclass
class TallyPlan:
    rows: int = 0
    new: list[TallyRow] = field(default_factory=list)
    replaced: list[TallyRow] = field(default_factory=list)
    unchanged: list[TallyRow] = field(default_factory=list)
    empty_days: int = 0
    problems: list[Problem] = field(default_factory=list)
    file_error: str = ""

    @property
    def errors(self) -> list[str]:
        if self.file_error:
            return [self.file_error]
        return shown_problems([str(p) for p in sorted(self.problems, key=lambda p: p.line)])

    @property
    def can_apply(self) -> bool:
        return not self.errors and bool(self.new or self.replaced)

    @property
    def preview(self) -> list[TallyRow]:
        return sorted(self.new + self.replaced, key=lambda r: r.line)[:PREVIEW_LIMIT]


class ImportRefused(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__(errors)
        self.errors = errors


# -- where a user may record tallies ------------------------------------------------------------
def venues_for(user, hub: Hub, permission: str, *, active_only: bool = False) -> list[Venue]:
    """Venues of the hub group (the main hub and its satellites) at hubs where the user has
    ``permission``. Closed venues are kept for past tallies unless ``active_only``."""
    main = hub.parent_id or hub.pk
    group = Hub.objects.filter(Q(pk=main) | Q(parent_id=main)).values_list("pk", flat=True)
    allowed = scope_for(user).hub_ids(permission) & set(group)
    venues = venues_in(allowed).order_by("hub__parent_id", "hub_id", "sort_order", "name")
    if active_only:
        venues = venues.filter(is_active=True)
    return list(venues)


def _venue_key(name: str) -> str:
    return "".join(kana.nfkc(name).casefold().split())


def _venue_index(venues: list[Venue]) -> dict[str, Venue | None]:
    """Lenient names → venue; None marks a name shared by venues of two hubs."""
    index: dict[str, Venue | None] = {}
    for venue in venues:
        key = _venue_key(venue.name)
        index[key] = None if key in index else venue
    return index


# -- reading the rows --------------------------------------------------------------------------
def _count(row: CsvRow, column: str, problems: list[Problem]) -> int:
    raw = _UNIT.sub("", row.values.get(column, "")).strip()
    if not raw:
        return 0
    if re.fullmatch(r"-\d+", raw):
        problems.append(Problem(row.line, column, _("cannot be negative")))
        return 0
    if not re.fullmatch(r"\d+", raw):
        problems.append(
            Problem(row.line, column, _("“{value}” is not a whole number").format(value=raw))
        )
        return 0
    return int(raw)


def _date(row: CsvRow, problems: list[Problem]) -> date | None:
    raw = row.values.get("date", "")
    try:
        on = wareki.parse_date(raw)
    except InputError as error:
        reason = message_for(error)
        problems.append(
            Problem(
                row.line, "date", _("cannot be read as a date ({reason})").format(reason=reason)
            )
        )
        return None
    if on > timezone.localdate():
        problems.append(Problem(row.line, "date", _("the date is in the future")))
        return None
    return on


def _venue(row: CsvRow, index: dict[str, Venue | None], problems: list[Problem]) -> Venue | None:
    raw = row.values.get("venue", "")
    key = _venue_key(raw)
    if not raw:
        problems.append(Problem(row.line, "venue", _("the venue is empty")))
    elif key not in index:
        names = "、".join(sorted({v.name for v in index.values() if v is not None}))
        problems.append(
            Problem(
                row.line,
                "venue",
                _("“{value}” is not a venue of this hub ({names})").format(value=raw, names=names),
            )
        )
    elif index[key] is None:
        problems.append(
            Problem(
                row.line,
                "venue",
                _("“{value}” is the name of venues at two hubs").format(value=raw),
            )
        )
    return index.get(key)


def _check_counts(line: int, counts: Counts, problems: list[Problem]) -> None:
    """The rules of ``services.record_tally``, with the column to blame."""
    checks = [
        (counts.people == 0, "adults", VisitError("empty_count").message),
        (counts.people > MAX_TALLY_PEOPLE, "adults", VisitError("too_many").message),
        (counts.pairs > MAX_TALLY_PEOPLE, "pairs", VisitError("too_many").message),
        (
            counts.fathers + counts.grandparents > counts.adults,
            "fathers" if counts.fathers else "grandparents",
            _("more than the adults"),
        ),
        (counts.pregnant > counts.adults, "pregnant", _("more than the adults")),
        (counts.pairs == 0, "pairs", _("enter the number of groups (at least 1)")),
        (counts.pairs > counts.adults, "pairs", _("more groups than adults")),
        (counts.first_visits > counts.pairs, "first_visits", _("more than the groups")),
    ]
    for failed, column, message in checks:
        if failed:
            problems.append(Problem(line, column, str(message)))
            return


def _read_rows(table, venues: list[Venue], plan: TallyPlan) -> list[TallyRow]:
    index = _venue_index(venues)
    seen: dict[tuple[int, date], int] = {}
    rows: list[TallyRow] = []
    for row in table.rows:
        before = len(plan.problems)
        on, venue = _date(row, plan.problems), _venue(row, index, plan.problems)
        values = {name: _count(row, name, plan.problems) for name in COUNT_COLUMNS}
        counts = Counts(**values)
        if not any(values.values()):
            plan.empty_days += int(len(plan.problems) == before)  # a closed day: nothing to count
            continue
        if len(plan.problems) == before:  # consistency only between readable numbers
            _check_counts(row.line, counts, plan.problems)
        if on is None or venue is None or len(plan.problems) > before:
            continue
        first = seen.setdefault((venue.pk, on), row.line)
        if first != row.line:
            message = _("the same venue and date as row {row}").format(row=first)
            plan.problems.append(Problem(row.line, "date", message))
            continue
        rows.append(TallyRow(row.line, venue, on, counts))
    return rows


# -- comparing with what is recorded ------------------------------------------------------------
def _recorded(rows: list[TallyRow]) -> tuple[dict, dict]:
    """(earlier imported tallies by (venue, day), number of other visits by (venue, day))."""
    if not rows:
        return {}, {}
    days = [r.on for r in rows]
    visits = Visit.objects.filter(
        venue__in={r.venue.pk for r in rows}, visited_on__range=(min(days), max(days))
    )
    imported_filter = Q(kind=VisitKind.TALLY, source_key=IMPORT_SOURCE_KEY)
    imported = {(v.venue_id, v.visited_on): v for v in visits.filter(imported_filter)}
    others = (
        visits.exclude(imported_filter).values("venue_id", "visited_on").annotate(n=Count("pk"))
    )
    return imported, {(o["venue_id"], o["visited_on"]): o["n"] for o in others}


def imported_tally(venue: Venue, on: date) -> Visit | None:
    """The tally imported for a venue's day, if any (a hand entry would count it twice)."""
    return Visit.objects.filter(
        kind=VisitKind.TALLY, venue=venue, visited_on=on, source_key=IMPORT_SOURCE_KEY
    ).first()


def _same(visit: Visit, counts: Counts) -> bool:
    return all(getattr(visit, name) == getattr(counts, name) for name in COUNT_FIELDS)


def _summary(visit: Visit) -> str:
    people = visit.adults + visit.children
    return _("{pairs} groups, {people} people").format(pairs=visit.pairs, people=people)


def _classify(rows: list[TallyRow], plan: TallyPlan, *, replace: bool) -> None:
    imported, others = _recorded(rows)
    for row in rows:
        key = (row.venue.pk, row.on)
        earlier = imported.get(key)
        if others.get(key):
            message = _(
                "{count} visits are already recorded at this venue on this day; the day's "
                "total would count them twice"
            ).format(count=others[key])
            plan.problems.append(Problem(row.line, "date", message))
        elif earlier is None:
            plan.new.append(row)
        elif _same(earlier, row.counts):
            plan.unchanged.append(row)
        elif replace:
            row.existing = earlier
            plan.replaced.append(row)
        else:
            message = _("already imported with other figures ({summary})").format(
                summary=_summary(earlier)
            )
            plan.problems.append(Problem(row.line, "date", message))


def plan_tally_import(venues: list[Venue], data: bytes, *, replace: bool = False) -> TallyPlan:
    """Read and check the whole file against ``venues`` and what is recorded. Writes nothing."""
    plan = TallyPlan()
    if not venues:
        plan.file_error = _("This hub has no venues yet. Add its venues first.")
        return plan
    try:
        table = read_data_rows(
            data, columns=TALLY_COLUMNS, required=REQUIRED_COLUMNS, max_rows=MAX_ROWS
        )
    except SpreadsheetError as error:
        plan.file_error = error.message
        return plan
    plan.rows = len(table)
    rows = _read_rows(table, venues, plan)
    _classify(rows, plan, replace=replace)
    return plan


def apply_tally_import(
    hub: Hub, venues: list[Venue], data: bytes, *, actor, replace: bool = False
) -> TallyPlan:
    """Check the file again and record every new (or replaced) day, in one transaction."""
    try:
        with transaction.atomic():
            plan = plan_tally_import(venues, data, replace=replace)
            if plan.errors:
                raise ImportRefused(plan.errors)
            for row in plan.replaced:
                services.cancel_visit(row.existing, actor=actor)
            for row in sorted(plan.new + plan.replaced, key=lambda r: r.line):
                _record(row, actor)
            audit.record("visits.tally.imported", actor=actor, hub=hub, payload=_payload(plan))
    except IntegrityError as exc:
        raise ImportRefused([_changed_meanwhile()]) from exc
    return plan


def _record(row: TallyRow, actor) -> None:
    try:
        _visit, created = services.record_tally(
            row.venue, row.on, row.counts, actor=actor, source_key=IMPORT_SOURCE_KEY
        )
    except VisitError as error:
        message = _("Row {row}: {message}").format(row=row.line, message=error.message)
        raise ImportRefused([message]) from error
    if not created:  # imported by someone else since the check above
        raise ImportRefused([_changed_meanwhile()])


def _changed_meanwhile() -> str:
    return _("The tallies changed while importing. Nothing was imported; please try again.")


def _payload(plan: TallyPlan) -> dict:
    days = [r.on for r in plan.new + plan.replaced]
    return {
        "rows": plan.rows,
        "created": len(plan.new),
        "replaced": len(plan.replaced),
        "unchanged": len(plan.unchanged),
        "venues": sorted({r.venue.pk for r in plan.new + plan.replaced}),
        "from": min(days).isoformat() if days else None,
        "to": max(days).isoformat() if days else None,
    }
