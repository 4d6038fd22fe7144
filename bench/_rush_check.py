"""The checker of ``bench/rush.py``: after the rush, the database must agree with what the
families were told (perf-and-safety §2.3, step 4).

- ``queries.invariant_violations``: counters equal to the rows, seats within capacity, one
  active entry per family, waiting-list numbers unique;
- exactly min(capacity, N) confirmed and the rest waiting, at positions 1..n
  (``queries.waitlist_position`` of every waiting entry);
- every acknowledged sign-up (303 to ``/my/entries/<id>/``) is that family's active entry:
  nothing acknowledged was lost, and a replayed answer names the same entry;
- nothing is present that nobody asked for, and no family has two entries.
"""

from __future__ import annotations

from collections import Counter


def check_program(program_id: int, outcomes: list, capacity: int) -> dict:
    from hiroba.programs.choices import ACTIVE_STATUSES, EntryStatus  # noqa: PLC0415
    from hiroba.programs.models import Entry, Program  # noqa: PLC0415
    from hiroba.programs.queries import invariant_violations, waitlist_position  # noqa: PLC0415

    program = Program.objects.get(pk=program_id)
    entries = list(Entry.objects.filter(program=program))
    by_id = {e.pk: e for e in entries}
    statuses = Counter(e.status for e in entries)
    waiting = sorted(
        (e for e in entries if e.status == EntryStatus.WAITLISTED), key=lambda e: e.waitlist_seq
    )
    positions = [waitlist_position(e) for e in waiting]
    active_per_family = Counter(e.household_id for e in entries if e.status in ACTIVE_STATUSES)
    attempted = {o.household_id for o in outcomes}
    acknowledged = [o for o in outcomes if o.status == 303]
    lost = [o for o in acknowledged if not _matches(by_id.get(o.entry_id), o, ACTIVE_STATUSES)]
    families = len(outcomes)
    return {
        "entries": len(entries),
        "confirmed": statuses.get(EntryStatus.CONFIRMED, 0),
        "waitlisted": len(waiting),
        "expected_confirmed": min(capacity, families),
        "expected_waitlisted": max(families - capacity, 0),
        "other_statuses": {
            s: n
            for s, n in statuses.items()
            if s not in (EntryStatus.CONFIRMED, EntryStatus.WAITLISTED)
        },
        "positions_1_to_n": positions == list(range(1, len(waiting) + 1)),
        "invariant_violations": invariant_violations(program).problems,
        "acknowledged": len(acknowledged),
        "lost": len(lost),
        "duplicates": sum(n - 1 for n in active_per_family.values() if n > 1),
        "entries_never_attempted": sum(e.household_id not in attempted for e in entries),
        "unacknowledged_with_entry": sum(
            o.status != 303 and active_per_family.get(o.household_id, 0) > 0 for o in outcomes
        ),
        "first_come_order_kept": _order_kept(entries, outcomes, capacity),
    }


def _matches(entry, outcome, active) -> bool:
    return (
        entry is not None and entry.household_id == outcome.household_id and entry.status in active
    )


def _order_kept(entries, outcomes, capacity: int) -> float:
    """Share of the confirmed families among the first ``capacity`` to be answered: a figure,
    not a goal (requests overtake each other in the server's queue, as they would on the
    internet), but a low value would show retries or a lock that is not first come."""
    answered = sorted((o for o in outcomes if o.status == 303), key=lambda o: o.done)
    first = {o.household_id for o in answered[:capacity]}
    confirmed = {e.household_id for e in entries if e.status == "confirmed"}
    return round(len(first & confirmed) / max(len(confirmed), 1), 3)
