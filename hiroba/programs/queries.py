"""Scoped reads of programs, entries and rosters, the public program list, and the checker
of the sign-up invariants.

Staff lookups by id go through ``accounts.scope.get_for_user`` (404 outside reach, 403
without the permission). Parent-facing reads take the family (``household``) the parent has
signed in as and never return another family's entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from hiroba.accounts.scope import get_for_user
from hiroba.core.models import Hub
from hiroba.families.models import Household
from hiroba.lib.ages import age_in_months
from hiroba.programs.choices import (
    ACTIVE_STATUSES,
    SEAT_HOLDING_STATUSES,
    EntryStatus,
    ProgramStatus,
)
from hiroba.programs.models import Attendance, Entry, Program, ProgramSession


# -- staff lookups by id -------------------------------------------------------------------------
def get_program_for_user(user, program_id: int, permission: str) -> Program:
    return get_for_user(
        Program.objects.select_related("hub__ward__municipality", "venue"),
        user,
        program_id,
        permission,
    )


def get_session_for_user(user, session_id: int, permission: str) -> ProgramSession:
    return get_for_user(
        ProgramSession.objects.select_related("program__hub__ward__municipality", "program__venue"),
        user,
        session_id,
        permission,
        hub_field="program__hub_id",
    )


def get_entry_for_user(user, entry_id: int, permission: str) -> Entry:
    return get_for_user(
        Entry.objects.select_related("program__hub__ward__municipality", "household", "contact"),
        user,
        entry_id,
        permission,
        hub_field="program__hub_id",
    )


# -- staff lists ---------------------------------------------------------------------------------
def programs_of_hub(hub: Hub, *, include_past: bool = False) -> QuerySet[Program]:
    programs = Program.objects.filter(hub=hub).select_related("venue")
    if not include_past:
        programs = programs.filter(
            Q(last_ends_at__isnull=True) | Q(last_ends_at__gte=timezone.now())
        )
    return programs.order_by("first_starts_at", "pk")


def roster(program: Program) -> QuerySet[Entry]:
    """Every entry of a program with its family, contact and members, in a fixed number of
    queries: confirmed and offered first, then the waiting list in order, then the rest."""
    return (
        Entry.objects.filter(program=program)
        .select_related("household__hub", "contact", "entered_by")
        .prefetch_related("members", "attendance")
        .order_by("status", "waitlist_seq", "created_at", "pk")
    )


def is_last_date(program: Program) -> bool:
    """Whether removing one more date would leave a published (or called-off) program with
    none; a draft may have no dates yet."""
    return program.status != ProgramStatus.DRAFT and program.sessions.count() <= 1


# -- waiting-list positions ----------------------------------------------------------------------
def waitlist_position(entry: Entry) -> int | None:
    """1 + the families waiting before this one; None when the entry is not waiting. Entries
    read through ``with_waitlist_positions`` carry the count already (no query)."""
    if entry.status != EntryStatus.WAITLISTED:
        return None
    ahead = getattr(entry, "waitlist_ahead", None)
    if ahead is None:
        ahead = _waiting_before(entry.program_id, entry.waitlist_seq).count()
    return ahead + 1


def _waiting_before(program_id, waitlist_seq) -> QuerySet[Entry]:
    return Entry.objects.filter(
        program_id=program_id, status=EntryStatus.WAITLISTED, waitlist_seq__lt=waitlist_seq
    )


def with_waitlist_positions(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """``entries`` with how many families wait before each (``waitlist_ahead``), in the same
    query: a family's page lists all its entries at once."""
    ahead = (
        _waiting_before(OuterRef("program_id"), OuterRef("waitlist_seq"))
        .order_by()
        .values("program_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return entries.annotate(waitlist_ahead=Coalesce(Subquery(ahead), 0))


# -- the parent's side ---------------------------------------------------------------------------
def public_programs(
    *,
    hub_ids=None,
    category: str = "",
    venue_id: int | None = None,
    language: str = "",
    child_birth_date: date | None = None,
    child_age_months: int | None = None,
) -> QuerySet[Program]:
    """Published programs that have not ended, soonest first, filtered as a parent asks."""
    programs = (
        Program.objects.published()
        .upcoming()
        .select_related("hub__ward", "venue")
        .prefetch_related("sessions")
        .order_by("first_starts_at", "pk")
    )
    if hub_ids is not None:
        programs = programs.filter(hub_id__in=hub_ids)
    if category:
        programs = programs.filter(category=category)
    if venue_id:
        programs = programs.filter(venue_id=venue_id)
    if language:
        programs = programs.filter(language=language)
    if child_age_months is not None:
        programs = programs.filter(
            Q(min_age_months__isnull=True) | Q(min_age_months__lte=child_age_months),
            Q(max_age_months__isnull=True) | Q(max_age_months__gte=child_age_months),
        )
    if child_birth_date is not None:
        programs = [
            p for p in programs if _age_fits(p, child_birth_date)
        ]  # age at each program's own date
    return programs


def _age_fits(program: Program, birth: date) -> bool:
    if program.first_starts_at is None:
        return True
    on = timezone.localtime(program.first_starts_at).date()
    if birth > on:
        return False
    months = age_in_months(birth, on)
    low, high = program.min_age_months, program.max_age_months
    return (low is None or months >= low) and (high is None or months <= high)


def public_program(program_id: int) -> Program:
    program = (
        Program.objects.filter(
            pk=program_id, status__in=[ProgramStatus.PUBLISHED, ProgramStatus.CANCELLED]
        )
        .select_related("hub__ward__municipality", "venue")
        .prefetch_related("sessions")
        .first()
    )
    if program is None:
        raise Http404
    return program


def entries_of_household(household: Household) -> QuerySet[Entry]:
    return (
        Entry.objects.filter(household=household)
        .select_related("program__venue", "program__hub")
        .prefetch_related("members", Prefetch("program__sessions"))
        .order_by("-created_at", "-pk")
    )


def entry_of_household(household: Household, entry_id: int) -> Entry:
    entry = entries_of_household(household).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry


def active_entry(program: Program, household: Household) -> Entry | None:
    return Entry.objects.active().filter(program=program, household=household).first()


# -- the invariants ------------------------------------------------------------------------------
@dataclass
class Invariants:
    program_id: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def invariant_violations(program: Program) -> Invariants:
    """Check a program's counters and waiting list against its entry rows (used by tests and
    after every benchmark run): seats within capacity, counters equal to the rows, at most
    one active entry per family, waiting-list numbers unique."""
    program.refresh_from_db()
    result = Invariants(program.pk)
    seats = Entry.objects.filter(program=program, status__in=SEAT_HOLDING_STATUSES).aggregate(
        families=Count("pk"), adults=Sum("adults"), children=Sum("children")
    )
    people = (seats["adults"] or 0) + (seats["children"] or 0)
    waiting = Entry.objects.filter(program=program, status=EntryStatus.WAITLISTED)
    checks = [
        (seats["families"] == program.taken_families, "taken_families != rows"),
        (people == program.taken_people, "taken_people != rows"),
        (waiting.count() == program.waitlisted_families, "waitlisted_families != rows"),
        (
            program.capacity_families is None
            or program.taken_families <= program.capacity_families,
            "families over capacity",
        ),
        (
            program.capacity_people is None or program.taken_people <= program.capacity_people,
            "people over capacity",
        ),
    ]
    result.problems += [message for ok, message in checks if not ok]
    doubles = (
        Entry.objects.filter(program=program, status__in=ACTIVE_STATUSES)
        .values("household_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    if doubles.exists():
        result.problems.append("a family has two active entries")
    seqs = list(waiting.values_list("waitlist_seq", flat=True))
    if len(seqs) != len(set(seqs)) or None in seqs:
        result.problems.append("waiting-list numbers not unique")
    return result


def attendance_of(session: ProgramSession) -> dict[int, str]:
    return dict(Attendance.objects.filter(session=session).values_list("entry_id", "status"))
