"""Reads for the staff pages of programs: the program list, the roster grouped the way staff
work through it, the attendance sheet and the lottery record.

Each function answers in a fixed number of queries whatever the number of programs or
entries (tests assert it), because the roster of a popular class can run to a hundred
families and the tablet at the door must not wait.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from hiroba.core.models import Hub, Venue
from hiroba.families.choices import ContactChannel, MemberKind
from hiroba.families.models import Household, Member
from hiroba.families.queries import registry_hub_id
from hiroba.lib.ages import age_in_months
from hiroba.programs import lottery, queries
from hiroba.programs.choices import AttendanceStatus, EntryStatus, PriorityGroup, ProgramStatus
from hiroba.programs.models import Entry, LotteryDraw, Program, ProgramSession

UPCOMING = "upcoming"
PAST = "past"
TABS = (UPCOMING, PAST)


# -- the program list ----------------------------------------------------------------------------
def program_list(hub: Hub, tab: str, now: datetime | None = None) -> QuerySet[Program]:
    """The hub's programs: upcoming (not ended yet, drafts without dates first) or past
    (ended, latest first). Counters live on the row, so one query serves the page."""
    now = now or timezone.now()
    programs = (
        Program.objects.filter(hub=hub)
        .select_related("venue")
        .annotate(n_sessions=Count("sessions"))
    )
    if tab == PAST:
        return programs.filter(last_ends_at__lt=now).order_by("-first_starts_at", "-pk")
    return programs.filter(Q(last_ends_at__isnull=True) | Q(last_ends_at__gte=now)).order_by(
        F("first_starts_at").asc(nulls_first=True), "pk"
    )


def hub_venues(hub: Hub, keep: Venue | None = None) -> list[Venue]:
    """Venues a program of ``hub`` may use: the hub's own venues in use, plus the program's
    current venue when it has since been retired (so editing does not silently move it)."""
    venues = list(Venue.objects.filter(hub=hub, is_active=True).order_by("sort_order", "name"))
    if keep is not None and keep not in venues:
        venues.append(keep)
    return venues


def has_entries(program: Program) -> bool:
    return Entry.objects.filter(program=program).exists()


def sessions_of(program: Program) -> list[ProgramSession]:
    return list(program.sessions.order_by("starts_at", "pk"))


def sessions_on(hub: Hub, day: date) -> list[ProgramSession]:
    """The sessions of the hub's published programs held on ``day`` (the attendance start
    page on the tablet)."""
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(day, datetime.max.time()))
    return list(
        ProgramSession.objects.filter(
            program__hub=hub, program__status=ProgramStatus.PUBLISHED, starts_at__range=(start, end)
        )
        .select_related("program__venue")
        .order_by("starts_at", "pk")
    )


# -- the roster ----------------------------------------------------------------------------------
@dataclass
class PersonRow:
    member: Member
    months: int | None = None  # a child's age in months at the first session
    due_date: date | None = None  # a pregnancy


@dataclass
class RosterRow:
    entry: Entry
    contact: Member | None
    people: list[PersonRow]
    position: int | None = None  # on the waiting list
    call_family: bool = False  # no e-mail goes out: staff phone the family
    other_registry: Hub | None = None  # the family's card is kept by another hub (applied online)


@dataclass
class Roster:
    confirmed: list[RosterRow] = field(default_factory=list)
    offered: list[RosterRow] = field(default_factory=list)
    waiting: list[RosterRow] = field(default_factory=list)
    applied: list[RosterRow] = field(default_factory=list)
    ended: list[RosterRow] = field(default_factory=list)

    @property
    def active_count(self) -> int:
        return len(self.confirmed) + len(self.offered) + len(self.waiting) + len(self.applied)


def first_day(program: Program) -> date:
    if program.first_starts_at is None:
        return timezone.localdate()
    return timezone.localtime(program.first_starts_at).date()


def people_on(members, on: date) -> list[PersonRow]:
    rows = []
    for member in sorted(members, key=lambda m: (m.kind != MemberKind.CAREGIVER, m.pk)):
        if member.kind == MemberKind.CHILD and member.birth_date and member.birth_date <= on:
            rows.append(PersonRow(member, months=age_in_months(member.birth_date, on)))
        elif member.kind == MemberKind.CHILD and member.birth_date is None:
            rows.append(PersonRow(member, due_date=member.due_date))
        else:
            rows.append(PersonRow(member))
    return rows


def households_without_email(household_ids) -> set[int]:
    """Families no message can reach by e-mail: nobody in them has an address."""
    with_email = set(
        Member.objects.filter(household_id__in=household_ids, left_on__isnull=True)
        .exclude(email="")
        .values_list("household_id", flat=True)
    )
    return set(household_ids) - with_email


def _needs_call(entry: Entry, silent: set[int]) -> bool:
    """The same rule as ``contacts.recipient``: no e-mail when the family prefers a phone
    call or has no address."""
    return entry.household.contact_channel != ContactChannel.EMAIL or (entry.household_id in silent)


def _row(entry: Entry, on: date, silent: set[int], registry_id: int | None = None) -> RosterRow:
    members = list(entry.members.all())
    contact = entry.contact or next((m for m in members if m.kind == MemberKind.CAREGIVER), None)
    row = RosterRow(entry, contact, people_on(members, on), call_family=_needs_call(entry, silent))
    if registry_id is not None and entry.household.hub_id != registry_id:
        row.other_registry = entry.household.hub
    return row


def roster(program: Program) -> Roster:
    """Entries grouped as staff read them: confirmed, open offers, the waiting list in order
    (positions 1..n), lottery applications, then those that ended. Four queries."""
    entries = list(queries.roster(program))
    silent = households_without_email({e.household_id for e in entries})
    on = first_day(program)
    registry_id = registry_hub_id(program.hub)  # a main hub and its satellites share cards
    result = Roster()
    groups = {
        EntryStatus.CONFIRMED: result.confirmed,
        EntryStatus.OFFERED: result.offered,
        EntryStatus.WAITLISTED: result.waiting,
        EntryStatus.APPLIED: result.applied,
    }
    for entry in entries:
        groups.get(entry.status, result.ended).append(_row(entry, on, silent, registry_id))
    result.confirmed.sort(key=lambda r: (r.entry.confirmed_at or r.entry.created_at, r.entry.pk))
    result.offered.sort(key=lambda r: (r.entry.offer_expires_at, r.entry.pk))
    result.waiting.sort(key=lambda r: r.entry.waitlist_seq)
    for position, row in enumerate(result.waiting, start=1):
        row.position = position
    result.ended.sort(key=lambda r: (r.entry.ended_at or r.entry.created_at, r.entry.pk))
    return result


# -- attendance ----------------------------------------------------------------------------------
def attendance_sheet(session: ProgramSession) -> list[tuple[RosterRow, str]]:
    """Confirmed families of the session's program with their mark at this session ("" when
    not marked yet), in the order of the family card numbers. Four queries."""
    program = session.program
    entries = list(
        Entry.objects.filter(program=program, status=EntryStatus.CONFIRMED)
        .select_related("household", "contact")
        .prefetch_related("members")
        .order_by("household__card_number", "pk")
    )
    marks = queries.attendance_of(session)
    on = timezone.localtime(session.starts_at).date()
    return [(_row(entry, on, set()), marks.get(entry.pk, "")) for entry in entries]


@dataclass
class AttendanceCounts:
    counts: dict[str, int]
    unmarked: int


def attendance_counts(session: ProgramSession) -> AttendanceCounts:
    """How many confirmed families are marked with each status at this session (two queries)."""
    confirmed = set(
        Entry.objects.filter(
            program_id=session.program_id, status=EntryStatus.CONFIRMED
        ).values_list("pk", flat=True)
    )
    marks = [m for entry_id, m in queries.attendance_of(session).items() if entry_id in confirmed]
    counts = {status: marks.count(status) for status in AttendanceStatus.values}
    return AttendanceCounts(counts, len(confirmed) - len(marks))


def confirmed_entry(session: ProgramSession, entry_id) -> Entry | None:
    """A confirmed entry of the session's program, or None (a stale tablet, a foreign id)."""
    try:
        entry_id = int(entry_id)
    except (TypeError, ValueError):
        return None
    return (
        Entry.objects.filter(
            program_id=session.program_id, status=EntryStatus.CONFIRMED, pk=entry_id
        )
        .select_related("household", "contact")
        .prefetch_related("members")
        .first()
    )


def attendance_row(session: ProgramSession, entry: Entry) -> tuple[RosterRow, str]:
    on = timezone.localtime(session.starts_at).date()
    mark = queries.attendance_of(session).get(entry.pk, "")
    return _row(entry, on, set()), mark


# -- the phone entry -----------------------------------------------------------------------------
def family_members(household: Household) -> list[Member]:
    """Members who can come: caregivers and children still in the family, pregnancies too
    (a class for expecting parents takes the expected baby as its "child")."""
    return list(household.members.present().order_by("kind", "sort_order", "pk"))


def active_entries_of(program: Program, household_ids) -> dict[int, Entry]:
    """The active entry of each of these families in ``program`` (search results say who
    has already applied)."""
    if not household_ids:
        return {}
    return {
        e.household_id: e
        for e in Entry.objects.active().filter(program=program, household_id__in=household_ids)
    }


# -- the lottery record --------------------------------------------------------------------------
@dataclass
class DrawRow:
    rank: int
    entry_id: int
    card_number: str
    flags: list[tuple[str, bool]]  # (priority group, met) in the program's order
    key: str
    status: str  # the entry's status now (it may have moved on since the draw)


@dataclass
class DrawRecord:
    draw: LotteryDraw
    group_labels: list[str]
    rows: list[DrawRow]
    verified: bool

    @property
    def example(self) -> str:
        """What to hash for the first applicant, shown next to the explanation."""
        return f"{self.draw.seed}:{self.rows[0].entry_id}" if self.rows else f"{self.draw.seed}:1"


def _group_label(group: str) -> str:
    try:
        return str(PriorityGroup(group).label)
    except ValueError:
        return group


def draw_record(program: Program) -> DrawRecord | None:
    """The stored draw with each applicant's priority flags, rank and hash key, and whether
    re-running the draw from the stored seed gives the stored order (three queries)."""
    draw = LotteryDraw.objects.filter(program=program).select_related("drawn_by").first()
    if draw is None:
        return None
    labels = [_group_label(g) for g in draw.priority_groups]
    flags = {int(entry_id): list(f) for entry_id, f in draw.applicants}
    entries = {
        pk: (card, str(EntryStatus(status).label))
        for pk, card, status in Entry.objects.filter(pk__in=flags).values_list(
            "pk", "household__card_number", "status"
        )
    }
    rows = []
    for rank, entry_id in enumerate(draw.order, start=1):
        card, status = entries.get(entry_id, ("", ""))
        met = list(zip(labels, (bool(f) for f in flags.get(entry_id, [])), strict=False))
        key = lottery.draw_key(draw.seed, entry_id)
        rows.append(DrawRow(rank, entry_id, card, met, key, status))
    return DrawRecord(draw, labels, rows, lottery.verify(draw.seed, draw.applicants, draw.order))
