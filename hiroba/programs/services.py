"""Writes for programs: planning (programs and sessions), sign-up and attendance.

Every function is atomic, audited and takes the acting user as the keyword-only ``actor``.
Sign-up itself (apply, cancel, offers, the lottery) lives in ``signup.py`` because of its
locking rules; it is re-exported here so callers have one module to write through.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from hiroba.core import audit
from hiroba.core.models import Hub
from hiroba.programs import notify, queries, signup
from hiroba.programs.choices import AttendanceStatus, EntryStatus, ProgramStatus
from hiroba.programs.errors import ProgramError
from hiroba.programs.models import Attendance, Entry, Program, ProgramSession
from hiroba.programs.signup import (  # noqa: F401 - re-exported: the one module to write through
    accept_offer,
    apply,
    cancel,
    cancel_deadline,
    decline_offer,
    draw_due_lotteries,
    draw_lottery,
    expire_offers,
    fill_seats,
    lock_program,
    signup_state,
)

PROGRAM_FIELDS = (
    "venue",
    "title",
    "category",
    "description",
    "translations",
    "language",
    "accessibility",
    "counts_as_lecture",
    "min_age_months",
    "max_age_months",
    "min_pregnancy_week",
    "max_pregnancy_week",
    "birth_order",
    "requires_father",
    "residents_only",
    "requires_child",
    "capacity_families",
    "capacity_people",
    "signup_mode",
    "opens_at",
    "closes_at",
    "draw_at",
    "priority_groups",
    "has_waitlist",
)


def _check_venue(hub: Hub, values: Mapping[str, Any]) -> None:
    venue = values.get("venue")
    if venue is not None and hub.pk not in {venue.hub_id, venue.hub.parent_id}:
        raise ProgramError("session_outside_hub")


def create_program(hub: Hub, values: Mapping[str, Any], *, actor) -> Program:
    """A new program in draft; sessions are added next, then it is published."""
    _check_venue(hub, values)
    with transaction.atomic():
        program = Program(hub=hub, created_by=actor)
        for name in PROGRAM_FIELDS:
            if name in values:
                setattr(program, name, values[name])
        program.full_clean(exclude=["hub", "created_by"])
        program.save()
        audit.record("programs.program.created", actor=actor, obj=program, hub=hub)
    return program


def update_program(program: Program, values: Mapping[str, Any], *, actor) -> Program:
    """Change a program. Capacity may not drop below the seats already taken; raising it
    offers the new seats to the waiting list at once."""
    _check_venue(program.hub, values)
    with transaction.atomic():
        locked = lock_program(program.pk)
        changed = [n for n in PROGRAM_FIELDS if n in values and getattr(locked, n) != values[n]]
        for name in changed:
            setattr(locked, name, values[name])
        if not locked.fits(0, 0):
            raise ProgramError("capacity_below_taken", taken=locked.taken_families)
        locked.full_clean(exclude=["hub", "created_by"])
        locked.save(update_fields=[*changed, "updated_at"] if changed else ["updated_at"])
        if changed:
            audit.record(
                "programs.program.updated",
                actor=actor,
                obj=locked,
                hub=locked.hub,
                payload={"fields": changed},
            )
        fill_seats(locked, timezone.now())
    return locked


def publish_program(program: Program, *, actor) -> Program:
    """Make a draft visible to families; it needs at least one date first."""
    if not program.sessions.exists():
        raise ProgramError("no_sessions")
    with transaction.atomic():
        updated = Program.objects.filter(pk=program.pk, status=ProgramStatus.DRAFT).update(
            status=ProgramStatus.PUBLISHED
        )
        if updated:
            audit.record("programs.program.published", actor=actor, obj=program, hub=program.hub)
    program.refresh_from_db()
    return program


def cancel_program(program: Program, *, actor, now: datetime | None = None) -> Program:
    """Call a program off: every active entry is cancelled (the families are told)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_program(program.pk)
        Program.objects.filter(pk=locked.pk).update(status=ProgramStatus.CANCELLED)
        locked.status = ProgramStatus.CANCELLED
        for entry in Entry.objects.active().filter(program=locked).order_by("pk"):
            entry.cancelled_by_staff = True
            signup.end_entry(locked, entry, EntryStatus.CANCELLED, now)
            notify.after_commit(notify.ENTRY_CANCELLED, entry.pk)
        audit.record("programs.program.cancelled", actor=actor, obj=locked, hub=locked.hub)
    return locked


# -- sessions ------------------------------------------------------------------------------------
def _refresh_span(program: Program) -> None:
    span = program.sessions.aggregate(first=Min("starts_at"), last=Max("ends_at"))
    Program.objects.filter(pk=program.pk).update(
        first_starts_at=span["first"], last_ends_at=span["last"]
    )
    program.first_starts_at, program.last_ends_at = span["first"], span["last"]


def _after_session_change(locked: Program, program: Program, *, tell: bool = True) -> None:
    """Under the program's lock, after a session was added, moved or removed: the span is
    rewritten (on ``locked`` and on the caller's copy ``program``). Families still entered in a
    published program are told (``tell``); the reminder is about the first session, so when
    that moved a reminder already sent goes again before the new date, and an open seat offer
    ends at the new start at the latest."""
    first_before = locked.first_starts_at
    _refresh_span(locked)
    program.first_starts_at, program.last_ends_at = locked.first_starts_at, locked.last_ends_at
    if not tell or locked.status != ProgramStatus.PUBLISHED:
        return
    active = Entry.objects.active().filter(program=locked)
    entry_ids = list(active.values_list("pk", flat=True))
    # No date left happens only when the program lock is off (the race tests show what the lock
    # prevents); there is then no start for reminders and offers to follow.
    if locked.first_starts_at is not None and locked.first_starts_at != first_before:
        active.filter(reminded_at__isnull=False).update(reminded_at=None)
        # An open offer never outlasts the start (``offer_expiry``), also when it moved earlier.
        active.filter(
            status=EntryStatus.OFFERED, offer_expires_at__gt=locked.first_starts_at
        ).update(offer_expires_at=locked.first_starts_at)
    notify.after_commit_many(notify.SCHEDULE_CHANGED, entry_ids)


def add_session(
    program: Program, starts_at: datetime, ends_at: datetime, *, actor, note: str = ""
) -> ProgramSession:
    if ends_at <= starts_at:
        raise ProgramError("session_overlaps")
    with transaction.atomic():
        locked = lock_program(program.pk)  # sign-up judges "started" by the span
        session = ProgramSession.objects.create(
            program=program, starts_at=starts_at, ends_at=ends_at, note=note
        )
        _after_session_change(locked, program)
        audit.record("programs.session.added", actor=actor, obj=session, hub=locked.hub)
    return session


def update_session(
    session: ProgramSession, starts_at: datetime, ends_at: datetime, *, actor, note: str = ""
) -> ProgramSession:
    if ends_at <= starts_at:
        raise ProgramError("session_overlaps")
    with transaction.atomic():
        locked = lock_program(session.program_id)
        moved = (session.starts_at, session.ends_at) != (starts_at, ends_at)
        session.starts_at, session.ends_at, session.note = starts_at, ends_at, note
        session.save(update_fields=["starts_at", "ends_at", "note"])
        # A changed note alone is no news for the families.
        _after_session_change(locked, session.program, tell=moved)
        audit.record("programs.session.updated", actor=actor, obj=session, hub=locked.hub)
    return session


def remove_session(session: ProgramSession, *, actor) -> None:
    """A published program keeps at least one date (checked under the lock, so two removals
    at once cannot take both): to call it off, cancel the program and the families are told."""
    with transaction.atomic():
        locked = lock_program(session.program_id)
        if queries.is_last_date(locked):
            raise ProgramError("last_session")
        audit.record("programs.session.removed", actor=actor, obj=session, hub=locked.hub)
        program = session.program
        session.delete()
        _after_session_change(locked, program)


# -- attendance ----------------------------------------------------------------------------------
def record_attendance(session: ProgramSession, entry: Entry, status: str, *, actor) -> Attendance:
    """Mark one family at one session (tapping again changes the mark). No-shows are only
    recorded, never penalised."""
    if entry.program_id != session.program_id:
        raise ProgramError("member_not_in_family")
    AttendanceStatus(status)
    with transaction.atomic():
        attendance, _created = Attendance.objects.update_or_create(
            entry=entry,
            session=session,
            defaults={"status": status, "recorded_by": actor, "recorded_at": timezone.now()},
        )
        audit.record(
            "programs.attendance.recorded",
            actor=actor,
            obj=attendance,
            hub=session.program.hub,
            payload={"entry": entry.pk, "session": session.pk, "status": status},
        )
    return attendance


def record_walk_ins(session: ProgramSession, families: int, people: int, *, actor) -> None:
    """Participants who came without signing up (drop-in programs, or on the day)."""
    if families < 0 or people < families:
        raise ProgramError("too_many_people")
    with transaction.atomic():
        ProgramSession.objects.filter(pk=session.pk).update(
            walk_in_families=families, walk_in_people=people
        )
        session.walk_in_families, session.walk_in_people = families, people
        audit.record(
            "programs.walk_ins.recorded",
            actor=actor,
            obj=session,
            hub=session.program.hub,
            payload={"families": families, "people": people},
        )
