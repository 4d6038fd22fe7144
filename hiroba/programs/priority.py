"""Lottery priority groups (``PriorityGroup``): whether an entry's family meets each group a
program lists, judged at the moment of the draw."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from hiroba.programs.choices import EntryStatus, PriorityGroup
from hiroba.programs.eligibility import is_resident
from hiroba.programs.models import Entry

SEAT_STATUSES = (EntryStatus.CONFIRMED,)


def _same_kind_entries(entry: Entry):
    return Entry.objects.filter(
        household_id=entry.household_id, program__category=entry.program.category
    ).exclude(program_id=entry.program_id)


def meets(entry: Entry, group: str, now: datetime) -> bool:
    if group == PriorityGroup.FIRST_TIME:
        return not _same_kind_entries(entry).filter(status__in=SEAT_STATUSES).exists()
    if group == PriorityGroup.RESIDENT:
        return is_resident(entry.household, entry.program)
    if group == PriorityGroup.NOT_WON_BEFORE:
        year_ago = now - timedelta(days=365)
        return (
            not _same_kind_entries(entry)
            .filter(status__in=SEAT_STATUSES, confirmed_at__gte=year_ago)
            .exists()
        )
    raise ValueError(f"Unknown priority group {group!r}")


def priority_of(entry: Entry, groups: Sequence[str], now: datetime) -> list[bool]:
    return [meets(entry, group, now) for group in groups]
