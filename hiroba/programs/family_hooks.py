"""What happens to program entries when a family card is merged, anonymised or removed
(registered with ``hiroba.families.hooks``; runs inside the families transaction).

Entries follow a merged card to the card that is kept, so the family sees and answers them on
its one My Page and cannot hold two seats in one program: where both cards had an active
entry, the merged card's is cancelled (its seat goes to the waiting list). Anonymising ends a
family's active entries and removes the free-text messages it wrote. Each program is locked
in id order, as every seat change does (docs/concurrency.md).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Max
from django.utils import timezone

from hiroba.families import hooks
from hiroba.programs.choices import ACTIVE_STATUSES
from hiroba.programs.models import Entry
from hiroba.programs.signup import cancel_locked, lock_program


def _active_by_program(household) -> dict[int, list[int]]:
    rows = (
        Entry.objects.filter(household=household, status__in=ACTIVE_STATUSES)
        .order_by("program_id", "pk")
        .values_list("program_id", "pk")
    )
    grouped: dict[int, list[int]] = {}
    for program_id, entry_id in rows:
        grouped.setdefault(program_id, []).append(entry_id)
    return grouped


@hooks.on_merge
def move_entries(kept, merged, *, actor) -> None:
    now = timezone.now()
    for program_id, entry_ids in sorted(_active_by_program(merged).items()):
        program = lock_program(program_id)  # held to the end: the move below is safe
        if not Entry.objects.active().filter(program=program, household=kept).exists():
            continue
        for entry in Entry.objects.filter(pk__in=entry_ids, status__in=ACTIVE_STATUSES):
            cancel_locked(
                program, entry, actor=actor, by_staff=True, now=now, reason="merged_duplicate"
            )
    Entry.objects.filter(household=merged).update(household=kept)  # active ones and history


@hooks.on_anonymise
def end_entries(household, *, actor) -> None:
    now = timezone.now()
    for program_id, entry_ids in sorted(_active_by_program(household).items()):
        program = lock_program(program_id)
        for entry in Entry.objects.filter(pk__in=entry_ids, status__in=ACTIVE_STATUSES):
            cancel_locked(program, entry, actor=actor, by_staff=True, now=now, reason="anonymised")
    Entry.objects.filter(household=household).exclude(message="").update(message="")


@hooks.in_use_check
def has_entries(household) -> bool:
    return Entry.objects.filter(household=household).exists()


@hooks.activity_source
def last_entry(household) -> date | None:
    latest = Entry.objects.filter(household=household).aggregate(
        applied=Max("created_at"), program_ends=Max("program__last_ends_at")
    )
    moments = [m for m in latest.values() if m is not None]
    return timezone.localdate(max(moments)) if moments else None
