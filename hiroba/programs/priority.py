"""Lottery priority groups (``PriorityGroup``): whether an entry's family meets each group a
program lists, judged at the moment of the draw for all applicants at once.

- first time: the family never held a seat in another program of the same category;
- not won before: no such seat confirmed in the last 365 days;
- resident: the family lives in the hub's ward (``eligibility.is_resident``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from hiroba.programs.choices import EntryStatus, PriorityGroup
from hiroba.programs.eligibility import is_resident
from hiroba.programs.models import Entry

SEAT_STATUSES = (EntryStatus.CONFIRMED,)


def _families_with_seats(program, since: datetime | None) -> set[int]:
    """Of the program's applicants, the families that held a seat in another program of the
    same kind (a subquery: no list of thousands of ids as parameters)."""
    applicants = Entry.objects.filter(program=program, status=EntryStatus.APPLIED)
    seats = Entry.objects.filter(
        household_id__in=applicants.values("household_id"),
        program__category=program.category,
        status__in=SEAT_STATUSES,
    ).exclude(program_id=program.pk)
    if since is not None:
        seats = seats.filter(confirmed_at__gte=since)
    return set(seats.values_list("household_id", flat=True).distinct())


def priorities(program, entries: Sequence[Entry], now: datetime) -> dict[int, list[bool]]:
    """Each applicant's flags, one per group the program lists, in at most two queries (the
    draw holds the program's lock: no query per applicant). ``entries`` are the program's
    applied entries with their households' district and town block."""
    groups = list(program.priority_groups or [])
    seated_ever = seated_lately = set()
    if PriorityGroup.FIRST_TIME in groups:
        seated_ever = _families_with_seats(program, None)
    if PriorityGroup.NOT_WON_BEFORE in groups:
        seated_lately = _families_with_seats(program, now - timedelta(days=365))

    unknown = set(groups) - set(PriorityGroup.values)
    if unknown:
        raise ValueError(f"Unknown priority groups {sorted(unknown)!r}")

    def meets(entry: Entry, group: str) -> bool:
        if group == PriorityGroup.FIRST_TIME:
            return entry.household_id not in seated_ever
        if group == PriorityGroup.NOT_WON_BEFORE:
            return entry.household_id not in seated_lately
        return is_resident(entry.household, program)

    return {entry.pk: [meets(entry, group) for group in groups] for entry in entries}
