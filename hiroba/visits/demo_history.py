"""The demo's visit history, day by day: who comes where, what they count, and the rows.

Used by ``hiroba.visits.demo`` (the seed step and its plan). The generator walks the days in
order and the venues in a fixed order, so the first row it writes for a family in a month or
fiscal year is also the earliest by (date, id) — the rule ``rollup.rebuild`` applies — and it
sums the monthly rollup on the way. Memory stays flat: rows go out in batches, the rollup is
written month by month, and per family it keeps a few numbers.
"""

from __future__ import annotations

from bisect import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from hiroba.core.demodata import insert_dicts, insert_rows, last_id, new_ids
from hiroba.families.demo import DemoFamily
from hiroba.families.models import Household
from hiroba.lib.fiscal import fiscal_year_of
from hiroba.lib.jpcalendar import is_public_holiday, is_year_end_closure
from hiroba.visits.choices import DayType, IncidentKind, VisitKind
from hiroba.visits.demo_text import INCIDENTS, NEAR_MISSES, NOTES, STAFF
from hiroba.visits.models import DailyLog, Incident, Visit, VisitAttendee, VisitMonth
from hiroba.visits.services import day_type_of

BATCH = 5000
LOG_BATCH = 2000
SLOT_MINUTES = 5
FIRST_SLOT = time(9, 0)
SLOTS = 8 * 60 // SLOT_MINUTES  # 9:00 to 17:00


@dataclass(frozen=True)
class Profile:
    """How a kind of venue is used: groups on an ordinary open day (at density 1), opening
    hours, the share of groups that are registered families (the rest walk in), and whether a
    session is counted as one tally row (an outdoor morning)."""

    key: str
    groups: float
    opens: time
    closes: time
    registered: float
    tally: bool = False

    @property
    def first_slot(self) -> int:
        return ((self.opens.hour - FIRST_SLOT.hour) * 60 + self.opens.minute) // SLOT_MINUTES

    @property
    def last_slot(self) -> int:
        return ((self.closes.hour - FIRST_SLOT.hour) * 60 + self.closes.minute) // SLOT_MINUTES


PROFILES = {
    "room": Profile("room", 60, time(9, 30), time(16, 0), 0.78),
    "satellite": Profile("satellite", 15, time(10, 0), time(15, 30), 0.8),
    "centre": Profile("centre", 18, time(10, 0), time(12, 0), 0.6),
    "plaza": Profile("plaza", 14, time(10, 0), time(12, 0), 0.6),
    "park": Profile("park", 20, time(10, 0), time(11, 30), 0.0, tally=True),
    "online": Profile("online", 6, time(10, 30), time(11, 30), 1.0),
    "extra": Profile("extra", 40, time(10, 0), time(15, 0), 0.75),
}
MONTH_FACTOR = {8: 0.8, 12: 0.9, 1: 0.9, 5: 1.1, 10: 1.1}
# Cumulative shares of children aged 0, 1, 2 (3+ is the rest) among walk-ins and outdoors.
WALK_IN_AGES = (0.35, 0.68, 0.88)
OUTDOOR_AGES = (0.25, 0.60, 0.85)


def is_open(key: str, day: date) -> bool:
    """The demo venues' opening days; all close for public holidays (the park morning is on a
    Sunday) and 12/29–1/3."""
    if is_year_end_closure(day):
        return False
    weekday, nth, holiday = day.weekday(), (day.day - 1) // 7 + 1, is_public_holiday(day)
    schedule = {
        "room": 1 <= weekday <= 5 and not holiday,  # Tuesday to Saturday
        "satellite": weekday <= 4 and not holiday,
        "centre": weekday == 2 and nth in (2, 4) and not holiday,
        "plaza": weekday == 3 and nth in (1, 3) and not holiday,
        "park": weekday == 6 and nth == 2 and day.month not in (1, 2, 8, 12),
        "online": weekday == 0 and nth == 1 and not holiday,
        "extra": (weekday <= 4 and not holiday) or (weekday == 5 and nth == 1),
    }
    return schedule[key]


def day_factor(key: str, day: date) -> float:
    factor = MONTH_FACTOR.get(day.month, 1.0)
    if key == "room" and day.weekday() == 5:
        factor *= 0.85
    return factor


VISIT_COLUMNS = (
    "kind", "venue_id", "hub_id", "registry_hub_id", "ward_id", "visited_on", "day_type",
    "checked_in_at", "checked_out_at", "household_id", "district_id", "pairs", "adults",
    "fathers", "grandparents", "pregnant", "children_0", "children_1", "children_2",
    "children_3", "first_visits", "is_first_of_month", "is_first_of_year", "source_key",
    "recorded_by_id", "created_at",
)  # fmt: skip
COUNTS = slice(11, 21)  # pairs … first_visits of a row tuple, in COUNT_FIELDS order


# -- families ------------------------------------------------------------------------------------
@dataclass
class Family:
    """A family as the generator uses it; days are ``date.toordinal()`` numbers."""

    id: int
    registered: int
    until: int
    district: int | None
    mother: int | None
    father: int | None
    grandmother: int | None
    children: list[tuple[int, int, int, int, int, int]]  # id, birth, 1st/2nd/3rd/6th birthday
    expecting: list[tuple[int, int]]  # days pregnant (inclusive ranges)
    visited: bool = False
    first_visit: int | None = None
    last_visit: int | None = None


def birthday(birth: date, years: int) -> int:
    """The day a child turns ``years`` (born on 29 February: 1 March in other years), as
    ``hiroba.lib.ages`` counts ages."""
    try:
        return birth.replace(year=birth.year + years).toordinal()
    except ValueError:
        return date(birth.year + years, 3, 1).toordinal()


def family_of(record: DemoFamily, history_start: int) -> Family:
    carers = {relation: member for member, relation in record.carers}
    children, expecting = [], []
    for member, birth, due in record.children:
        if birth is not None:
            born = date.fromordinal(birth)
            children.append((member, birth, *(birthday(born, n) for n in (1, 2, 3, 6))))
            expecting.append((birth - 280, birth - 1))
        elif due is not None:
            expecting.append((due - 280, due))
    family = Family(
        record.household_id,
        record.registered,
        record.active_until,
        record.district_id,
        carers.get("mother"),
        carers.get("father"),
        carers.get("grandmother"),
        children,
        expecting,
    )
    if record.registered < history_start:
        # Came before the records start: no first visit inside the history.
        family.visited, family.first_visit = True, record.registered
    return family


# -- the generator ---------------------------------------------------------------------------------
@dataclass
class Place:
    venue_id: int
    hub_id: int
    registry_id: int
    ward_id: int
    profile: Profile
    is_main_room: bool

    def __post_init__(self) -> None:
        # The ids every row of this venue starts with (computed once: rows are many).
        self.prefix = (self.venue_id, self.hub_id, self.registry_id, self.ward_id)


class Generator:
    """Writes the history from ``first_day`` to today. ``attendees_from``: VisitAttendee rows
    (who came) are written for visits from that day on (the demo's last two fiscal years)."""

    def __init__(self, ctx, *, first_day, density, places, families, districts, staff_id,
                 attendees_from):  # fmt: skip
        self.rng = ctx.rng_for("visits")
        self.today, self.first_day, self.density = ctx.today, first_day, density
        self.places, self.districts, self.staff_id = places, districts, staff_id
        self.attendees_from = attendees_from.toordinal()
        start = first_day.toordinal()
        self.families = [family_of(f, start) for f in families]
        self.families.sort(key=lambda f: f.registered)
        self.now = timezone.localtime()
        self.created_at = connection.ops.adapt_datetimefield_value(timezone.now())
        self.now_slot = (self.now.hour - FIRST_SLOT.hour) * 12 + self.now.minute // SLOT_MINUTES
        self.prefixes = {place.venue_id: place.prefix for place in places}
        self.rows: list[tuple] = []
        self.row_attendees: list[tuple[int, list[int]]] = []
        self.logs: list[tuple[dict, list]] = []
        # The month's counts per (venue, district, day type): a list of count tuples, summed
        # when the month is written.
        self.month: date | None = None
        self.rollup: dict[tuple, list[tuple]] = {}
        self.counts = defaultdict(int)
        self.last_id = last_id(Visit)

    # The loop -------------------------------------------------------------------------------
    def run(self) -> None:
        pool: list[Family] = []
        waiting: list[Family] = []
        next_family = 0
        month = year = None
        seen_month: set[tuple] = set()
        seen_year: set[tuple] = set()
        day = self.first_day
        while day <= self.today:
            o = day.toordinal()
            if (day.year, day.month) != month:
                self._flush_rollup()
                self.month = day.replace(day=1)
                month, seen_month = (day.year, day.month), set()
                if fiscal_year_of(day) != year:
                    year, seen_year = fiscal_year_of(day), set()
                pool = [f for f in pool if f.until >= o]
            while next_family < len(self.families) and self.families[next_family].registered <= o:
                family = self.families[next_family]
                next_family += 1
                if family.until >= o:
                    pool.append(family)
                    if not family.visited:
                        waiting.append(family)
            context = _Day(
                day, o, day_type_of(day), self._slots(day), seen_month, seen_year, day == self.today
            )
            for place in self.places:
                if is_open(place.profile.key, day):
                    waiting = self._session(context, place, pool, waiting)
            day += timedelta(days=1)
        self._flush_rows()
        self._flush_logs()
        self._flush_rollup()
        self._note_visit_dates()

    def _slots(self, day: date) -> list:
        start = timezone.make_aware(datetime.combine(day, FIRST_SLOT))
        adapt = connection.ops.adapt_datetimefield_value
        return [adapt(start + timedelta(minutes=SLOT_MINUTES * i)) for i in range(SLOTS + 1)]

    def _session(self, context, place: Place, pool, waiting):
        """One venue's open day: the log, then the groups that came."""
        profile, rng = place.profile, self.rng
        short = place.is_main_room and rng.random() < 0.012
        last_slot = profile.first_slot + (42 if short else profile.last_slot - profile.first_slot)
        if context.is_today:
            last_slot = min(last_slot, max(self.now_slot, profile.first_slot - 1))
        if last_slot < profile.first_slot:  # today, before opening time
            return waiting
        self._log(context, place, short, last_slot)
        expected = profile.groups * self.density * day_factor(profile.key, context.day)
        groups = int(expected * (0.6 if short else 1) * rng.uniform(0.7, 1.3) + rng.random())
        if profile.tally:
            if groups and last_slot > profile.first_slot:
                self._tally(context, place, groups, profile.first_slot)
            return waiting
        registered = int(groups * profile.registered + rng.random())
        newcomers = waiting if place.is_main_room else []
        chosen = newcomers[:registered]
        want = max(registered - len(chosen), 0)
        if want:
            taken = {f.id for f in chosen}
            sample = rng.sample(pool, min(want + len(chosen), len(pool)))
            chosen += [f for f in sample if f.id not in taken][:want]
        first, span = profile.first_slot, last_slot - profile.first_slot + 1
        random = rng.random
        for family in chosen:
            self._family_visit(context, place, family, first + int(random() * span))
        for _ in range(groups - registered):
            self._walk_in(context, place, first + int(random() * span))
        return [f for f in waiting if not f.visited] if newcomers else waiting

    # Rows -----------------------------------------------------------------------------------
    def _row(self, context, place, slot, *, kind, counts, household=None, district=None,
             flags=(False, False), source=""):  # fmt: skip
        """Queue one visit row and its counts for the month's rollup. False when the slot is
        after closing (or after now, today)."""
        if slot > context.closing[place.venue_id]:
            return False
        random = self.rng.random
        out = None
        if kind != VisitKind.TALLY and random() < 0.6:  # most families check out
            out = min(slot + 9 + int(random() * 22), SLOTS)
            if context.is_today and out > self.now_slot:
                out = None
        self.rows.append(
            (kind, *place.prefix, context.visited_on, context.day_type, context.slots[slot],
             None if out is None else context.slots[out], household, district, *counts,
             flags[0], flags[1], source, self.staff_id, self.created_at)
        )  # fmt: skip
        key = (place.venue_id, district or 0, context.day_type)
        bucket = self.rollup.get(key)
        if bucket is None:
            bucket = self.rollup[key] = []
        bucket.append((*counts, int(flags[0]), int(flags[1])))
        if len(self.rows) >= BATCH:
            self._flush_rows()
        return True

    def _family_visit(self, context, place, family: Family, slot: int) -> None:
        present = self._who_came(context, family)
        if present is None:
            return
        members, counts = present
        first = not family.visited
        key = (place.registry_id, family.id)
        flags = (key not in context.seen_month, key not in context.seen_year)
        written = self._row(
            context, place, slot, kind=VisitKind.REGISTERED, household=family.id,
            district=family.district, counts=(1, *counts, int(first)), flags=flags,
        )  # fmt: skip
        if not written:
            return
        context.seen_month.add(key)
        context.seen_year.add(key)
        family.visited = True
        family.first_visit = family.first_visit or context.o
        family.last_visit = context.o
        if context.o >= self.attendees_from:
            self.row_attendees.append((len(self.rows) - 1, members))

    def _who_came(self, context, family: Family):
        """(member ids, counts) of the family members who came, or None if nobody could.
        This runs for most rows, so it avoids helper calls."""
        random, o = self.rng.random, context.o
        holiday = context.is_holiday
        mother, father, grandmother = family.mother, family.father, family.grandmother
        adults = self._adults(family, holiday)
        bands = [0, 0, 0, 0]
        members = adults[:]
        youngest = None
        for child in family.children:
            member, birth, one, two, three, six = child
            if not birth <= o < six:
                continue  # not born yet, or at school
            band = 0 if o < one else 1 if o < two else 2 if o < three else 3
            if youngest is None or birth > youngest[1]:
                youngest = (member, birth, band)
            if random() < (0.95 if band < 3 else 0.55 if holiday else 0.12):
                bands[band] += 1
                members.append(member)
        expecting = False
        if mother in adults:
            for start, end in family.expecting:
                if start <= o <= end:
                    expecting = True
                    break
        if len(members) == len(adults):
            if youngest is not None:  # nobody chosen: the youngest comes anyway
                bands[youngest[2]] += 1
                members.append(youngest[0])
            elif not expecting:
                return None
        counts = (
            len(adults),
            int(father in adults),
            int(grandmother in adults),
            int(expecting),
            *bands,
        )
        return members, counts

    def _adults(self, family: Family, holiday: bool) -> list[int]:
        """Mostly the mother; fathers far more often at weekends; now and then a grandmother."""
        random = self.rng.random
        adults = []
        if family.mother and random() < 0.94:
            adults.append(family.mother)
        if family.father and random() < (0.38 if holiday else 0.06):
            adults.append(family.father)
        if family.grandmother and random() < 0.3:
            adults.append(family.grandmother)
        return adults or [family.mother or family.father or family.grandmother]

    def _walk_in(self, context, place, slot: int) -> None:
        rng = self.rng
        holiday = context.is_holiday
        adults = 2 if rng.random() < (0.2 if holiday else 0.05) else 1
        fathers = 1 if adults == 2 or rng.random() < (0.2 if holiday else 0.06) else 0
        bands = [0, 0, 0, 0]
        for _ in range(2 if rng.random() < 0.25 else 1):
            bands[bisect(WALK_IN_AGES, rng.random())] += 1
        district = rng.choice(self.districts) if self.districts and rng.random() < 0.7 else None
        pregnant = int(rng.random() < 0.03)
        counts = (1, adults, fathers, 0, pregnant, *bands, int(rng.random() < 0.35))
        self._row(context, place, slot, kind=VisitKind.ANONYMOUS, district=district, counts=counts)

    def _tally(self, context, place, groups: int, slot: int) -> None:
        rng = self.rng
        bands = [0, 0, 0, 0]
        for _ in range(groups + groups // 4):
            bands[bisect(OUTDOOR_AGES, rng.random())] += 1
        adults = groups + groups // 5
        counts = (groups, adults, groups // 4, groups // 20, 0, *bands, groups // 8)
        self._row(context, place, slot, kind=VisitKind.TALLY, counts=counts, source="demo")

    # Daily logs -----------------------------------------------------------------------------
    def _log(self, context, place: Place, short: bool, last_slot: int) -> None:
        rng, profile = self.rng, place.profile
        context.closing[place.venue_id] = last_slot
        closes = profile.closes
        if short:
            closes = time(13, 0)
        still_open = context.is_today and self.now.time() < closes
        notes = "職員研修のため13時まで。" if short else ""
        if not notes and place.is_main_room and rng.random() < 0.15:
            notes = rng.choice(NOTES)
        log = {
            "venue_id": place.venue_id,
            "hub_id": place.hub_id,
            "date": context.day,
            "opened_at": profile.opens,
            "closed_at": None if still_open else closes,
            "staff_on_duty": "・".join(rng.sample(STAFF, 2 if profile.groups < 30 else 3)),
            "notes": notes,
        }
        incidents = []
        if place.is_main_room and rng.random() < 0.04:
            incidents.append((IncidentKind.NEAR_MISS, rng.choice(NEAR_MISSES)))
        if place.is_main_room and rng.random() < 0.005:
            incidents.append((IncidentKind.INCIDENT, rng.choice(INCIDENTS)))
        self.logs.append((log, incidents))
        if len(self.logs) >= LOG_BATCH:
            self._flush_logs()

    # Writing --------------------------------------------------------------------------------
    def _flush_rows(self) -> None:
        if not self.rows:
            return
        insert_rows(Visit, VISIT_COLUMNS, self.rows)
        self.counts["rows"] += len(self.rows)
        if self.row_attendees:
            ids = new_ids(Visit, self.last_id, len(self.rows))
            attendees = [
                (ids[i], member) for i, members in self.row_attendees for member in members
            ]
            insert_rows(VisitAttendee, ("visit_id", "member_id"), attendees)
            self.counts["attendees"] += len(attendees)
            self.last_id = ids[-1]
        else:
            self.last_id = last_id(Visit)
        self.rows, self.row_attendees = [], []

    def _flush_logs(self) -> None:
        if not self.logs:
            return
        ids = insert_dicts(DailyLog, [log for log, _incidents in self.logs])
        rng = self.rng
        incidents = [
            {
                "log_id": pk, "kind": kind, "place": place, "description": description,
                "action_taken": action, "prevention": prevention,
                "occurred_at": time(rng.randint(10, 14), rng.randint(0, 59)),
                "recorded_at": timezone.make_aware(datetime.combine(log["date"], time(16, 30))),
            }
            for pk, (log, found) in zip(ids, self.logs, strict=True)
            for kind, (description, place, action, prevention) in found
        ]  # fmt: skip
        insert_dicts(Incident, incidents)
        self.counts["logs"] += len(self.logs)
        self.counts["incidents"] += len(incidents)
        self.logs = []

    def _flush_rollup(self) -> None:
        """The month's rollup rows: the sums of the queued counts per key."""
        if not self.rollup:
            return
        names = (*VISIT_COLUMNS[COUNTS], "families_in_month", "families_in_year")
        rows = []
        for (venue_id, district, day_type), counts in self.rollup.items():
            venue, hub, registry, ward = self.prefixes[venue_id]
            columns = zip(*counts, strict=True)
            sums = dict(zip(names, (sum(column) for column in columns), strict=True))
            rows.append(
                {
                    "venue_id": venue, "hub_id": hub, "registry_hub_id": registry,
                    "ward_id": ward, "month": self.month, "fiscal_year": fiscal_year_of(self.month),
                    "district_id": district or None, "district_key": district,
                    "day_type": day_type, "visits": len(counts), **sums,
                }
            )  # fmt: skip
        insert_dicts(VisitMonth, rows)
        self.counts["rollup"] += len(rows)
        self.rollup = {}

    def _note_visit_dates(self) -> None:
        """Households' first and last visit, as check-in keeps them."""
        updates = [
            (date.fromordinal(f.first_visit), date.fromordinal(f.last_visit or f.first_visit), f.id)
            for f in self.families
            if f.first_visit is not None
        ]
        adapt = connection.ops.adapt_datefield_value
        table = connection.ops.quote_name(Household._meta.db_table)
        with connection.cursor() as cursor:
            for start in range(0, len(updates), BATCH):
                cursor.executemany(
                    f"UPDATE {table} SET first_visit_on = %s, last_visit_on = %s WHERE id = %s",  # noqa: S608
                    [(adapt(a), adapt(b), pk) for a, b, pk in updates[start : start + BATCH]],
                )


@dataclass
class _Day:
    """What every venue of one day shares."""

    day: date
    o: int
    day_type: str
    slots: list
    seen_month: set
    seen_year: set

    is_today: bool = False

    def __post_init__(self) -> None:
        self.is_holiday = self.day_type == DayType.HOLIDAY
        self.visited_on = connection.ops.adapt_datefield_value(self.day)
        self.closing: dict[int, int] = {}
