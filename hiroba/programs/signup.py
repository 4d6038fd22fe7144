"""Sign-up: applying, cancelling, waitlist offers and the lottery draw (issue 4).

Every change to who holds a seat or a waiting-list place locks the program row once
(``lock_program``), re-reads what it decides on, writes the entries and moves the program's
counters with ``F()`` in the same transaction (docs/concurrency.md, "Programs"). Check
constraints (seats taken ≤ capacity) and the partial unique indexes (one active entry per
family, one family per waiting-list number) are the backstop. Freed seats go to the waiting
list at once as time-limited offers (``fill_seats``); messages are sent after commit.

``services.py`` re-exports these functions; views and other apps call them from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from hiroba.core import audit
from hiroba.families.choices import MemberKind
from hiroba.families.models import Household, Member
from hiroba.programs import eligibility, lottery, notify, priority
from hiroba.programs.choices import (
    STAFF_CHANNELS,
    EntryChannel,
    EntryStatus,
    ProgramStatus,
)
from hiroba.programs.errors import ProgramError
from hiroba.programs.models import Entry, LotteryDraw, Program
from hiroba.programs.rules import program_rules

LOCK_PROGRAMS = True
"""Switched off only by the race tests, to show the double booking the lock prevents."""


def lock_program(
    program_id: int, *, known: Program | None = None, household_id: int | None = None
) -> Program:
    """Lock and re-read the program row. ``known`` is the caller's copy with its hub (and the
    hub's ward and city) already loaded: the locked read then fetches the row alone, which
    keeps the sign-up request short during a rush. With ``household_id`` the same statement
    says whether that family already holds an active entry (``family_entered``).

    On PostgreSQL that answer is read with the statement's snapshot, taken before the lock
    wait: a second tab of the same family that committed meanwhile is not seen, and the
    partial unique index stops its entry instead (``apply`` answers "already entered")."""
    queryset = (
        Program.objects.all()
        if known
        else Program.objects.select_related("hub__ward__municipality")
    )
    if household_id is not None:
        entered = Entry.objects.active().filter(program=OuterRef("pk"), household_id=household_id)
        queryset = queryset.annotate(family_entered=Exists(entered))
    if LOCK_PROGRAMS:
        queryset = queryset.select_for_update(no_key=True, of=("self",))
    locked = queryset.get(pk=program_id)
    if known is not None and known.hub_id == locked.hub_id:
        locked.hub = known.hub
    return locked


def cancel_deadline(program: Program) -> datetime | None:
    if program.first_starts_at is None:
        return None
    hours = program_rules(program)["cancel_deadline_hours"]
    return program.first_starts_at - timedelta(hours=hours)


def offer_expiry(program: Program, now: datetime) -> datetime:
    """When an offer made ``now`` lapses: the offer hours counted from now, or from the end of
    the quiet hours when the offer is made at night (no messages 21:00–8:00), and never later
    than the start of the program."""
    rules = program_rules(program)
    local = timezone.localtime(now)
    start, end = rules["quiet_hours_start"], rules["quiet_hours_end"]
    clock_starts = local
    if local.hour >= start or local.hour < end:
        morning = local if local.hour < end else local + timedelta(days=1)
        clock_starts = morning.replace(hour=end, minute=0, second=0, microsecond=0)
    expires = clock_starts + timedelta(hours=rules["offer_hours"])
    if program.first_starts_at is not None:
        expires = min(expires, program.first_starts_at)
    return max(expires, now + timedelta(minutes=1))


def signup_state(program: Program, now: datetime, *, by_staff: bool = False) -> str | None:
    """None when applications are taken now, otherwise the error code saying why not. Staff
    may still enter a family after the closing time (a phone call), never before opening."""
    past_closing = program.closes_at is not None and now >= program.closes_at
    refusals = [
        (program.status != ProgramStatus.PUBLISHED, "not_published"),
        (not program.takes_entries, "no_signup_needed"),
        (program.first_starts_at is not None and now >= program.first_starts_at, "started"),
        (program.opens_at is not None and now < program.opens_at, "not_open_yet"),
        (not by_staff and program.lottery_pending and past_closing, "waiting_for_draw"),
        (not by_staff and not program.is_lottery and past_closing, "closed"),
    ]
    return next((code for refused, code in refusals if refused), None)


# -- applying ------------------------------------------------------------------------------------
def _counts(members: Sequence[Member]) -> tuple[int, int]:
    adults = sum(m.kind == MemberKind.CAREGIVER for m in members)
    children = sum(m.kind == MemberKind.CHILD and m.birth_date is not None for m in members)
    return adults, children


def _check_members(program: Program, household: Household, members: Sequence[Member]) -> None:
    if any(m.household_id != household.pk or m.left_on is not None for m in members):
        raise ProgramError("member_not_in_family")
    adults, children = _counts(members)
    rules = program_rules(program)
    if adults > rules["max_adults_per_entry"] or children > rules["max_children_per_entry"]:
        raise ProgramError("too_many_people")
    problems = eligibility.problems(program, household, members)
    if problems:
        raise ProgramError(problems[0])


def _decide(program: Program, people: int) -> EntryStatus:
    if program.lottery_pending:
        return EntryStatus.APPLIED
    if program.waitlisted_families == 0 and program.fits(1, people):
        return EntryStatus.CONFIRMED
    if program.has_waitlist:
        return EntryStatus.WAITLISTED
    raise ProgramError("full")


def _take_seat(program: Program, people: int, sign: int = 1) -> None:
    Program.objects.filter(pk=program.pk).update(
        taken_families=F("taken_families") + sign, taken_people=F("taken_people") + sign * people
    )
    program.taken_families += sign
    program.taken_people += sign * people


def _join_waitlist(program: Program, entry: Entry) -> None:
    entry.waitlist_seq = program.next_waitlist_seq
    Program.objects.filter(pk=program.pk).update(
        next_waitlist_seq=F("next_waitlist_seq") + 1,
        waitlisted_families=F("waitlisted_families") + 1,
    )
    program.next_waitlist_seq += 1
    program.waitlisted_families += 1


def _leave_waitlist(program: Program) -> None:
    Program.objects.filter(pk=program.pk).update(waitlisted_families=F("waitlisted_families") - 1)
    program.waitlisted_families -= 1


def apply(
    program: Program,
    household: Household,
    members: Sequence[Member],
    *,
    actor=None,
    contact: Member | None = None,
    channel: str = EntryChannel.WEB,
    message: str = "",
    now: datetime | None = None,
) -> Entry:
    """One family's entry: confirmed while seats are left, otherwise on the waiting list (or
    collected for the draw while a lottery is pending). Staff entering on a family's behalf
    pass ``actor`` and a phone/counter ``channel``; that is shown on the roster."""
    now = now or timezone.now()
    # An API client books for parents (a city booking site): the parents' rules apply.
    by_staff = channel in STAFF_CHANNELS
    if not household.is_current:
        raise ProgramError("family_not_current")
    if contact is not None and contact.household_id != household.pk:
        raise ProgramError("member_not_in_family")
    members = list({member.pk: member for member in members}.values())
    _check_members(program, household, members)
    adults, children = _counts(members)
    try:
        with transaction.atomic():
            locked = lock_program(program.pk, known=program, household_id=household.pk)
            refusal = signup_state(locked, now, by_staff=by_staff)
            if refusal:
                raise ProgramError(refusal)
            if locked.family_entered:
                raise ProgramError("already_entered")
            entry = _create_entry(
                locked,
                household,
                members,
                counts=(adults, children),
                actor=actor,
                contact=contact,
                channel=channel,
                message=message,
                now=now,
            )
    except IntegrityError as error:
        # The partial unique index caught a parallel double submit (PostgreSQL names the
        # constraint in the message, SQLite does not): answer as the re-check would have.
        if Entry.objects.active().filter(program=program, household=household).exists():
            raise ProgramError("already_entered") from error
        raise
    return entry


def _create_entry(
    program, household, members, *, counts, actor, contact, channel, message, now
) -> Entry:
    adults, children = counts
    status = _decide(program, adults + children)
    entry = Entry(
        program=program,
        household=household,
        contact=contact or next((m for m in members if m.kind == MemberKind.CAREGIVER), None),
        status=status,
        adults=adults,
        children=children,
        channel=channel,
        entered_by=actor,
        message=message[:300],
        created_at=now,
    )
    if status == EntryStatus.CONFIRMED:
        _take_seat(program, entry.people)
        entry.confirmed_at = now
    elif status == EntryStatus.WAITLISTED:
        _join_waitlist(program, entry)
    entry.save()
    Entry.members.through.objects.bulk_create(
        [Entry.members.through(entry_id=entry.pk, member_id=m.pk) for m in members]
    )
    audit.record(
        "programs.entry.created",
        actor=actor,
        obj=entry,
        hub=program.hub,
        payload={"program": program.pk, "status": status, "channel": channel},
    )
    notify.after_commit(notify.ENTRY_RECEIVED, entry.pk)
    return entry


# -- leaving -------------------------------------------------------------------------------------
def _locked_entry(entry_id: int) -> tuple[Program, Entry]:
    program_id = Entry.objects.values_list("program_id", flat=True).get(pk=entry_id)
    program = lock_program(program_id)
    return program, Entry.objects.get(pk=entry_id)


def end_entry(program: Program, entry: Entry, status: str, now: datetime) -> None:
    """Take ``entry`` out of the seats or the waiting list and give freed seats away."""
    if entry.holds_seat:
        _take_seat(program, entry.people, sign=-1)
    elif entry.status == EntryStatus.WAITLISTED:
        _leave_waitlist(program)
    entry.status = status
    entry.ended_at = now
    entry.save(update_fields=["status", "ended_at", "cancelled_by_staff"])
    fill_seats(program, now)


def cancel(
    entry: Entry, *, actor=None, by_staff: bool = False, now: datetime | None = None
) -> Entry:
    """The family (or staff for it) withdraws. Parents may cancel until the deadline; staff
    at any time (a phone call on the morning of the class)."""
    now = now or timezone.now()
    with transaction.atomic():
        program, entry = _locked_entry(entry.pk)
        if not entry.is_active:
            raise ProgramError("not_active")
        deadline = cancel_deadline(program)
        if not by_staff and deadline is not None and now > deadline:
            raise ProgramError("past_cancel_deadline")
        cancel_locked(program, entry, actor=actor, by_staff=by_staff, now=now)
    return entry


def cancel_locked(
    program: Program, entry: Entry, *, actor, by_staff: bool, now: datetime, reason: str = ""
) -> None:
    """Cancel an active entry of a program the caller has locked: free its seat or place,
    audit it and tell the family (after commit)."""
    entry.cancelled_by_staff = by_staff
    previous = entry.status
    end_entry(program, entry, EntryStatus.CANCELLED, now)
    payload = {"from": previous, "by_staff": by_staff}
    if reason:
        payload["reason"] = reason
    audit.record(
        "programs.entry.cancelled", actor=actor, obj=entry, hub=program.hub, payload=payload
    )
    notify.after_commit(notify.ENTRY_CANCELLED, entry.pk)


# -- offers from the waiting list ----------------------------------------------------------------
def fill_seats(program: Program, now: datetime) -> list[Entry]:
    """Offer freed seats to the waiting list in order; the first family that does not fit
    stops the round (nobody is overtaken for being a smaller family)."""
    if program.lottery_pending or program.status != ProgramStatus.PUBLISHED:
        return []
    if program.first_starts_at is not None and now >= program.first_starts_at:
        return []
    offered = []
    for entry in _waiting_in_order(program):
        if not program.fits(1, entry.people):
            break
        _leave_waitlist(program)
        _take_seat(program, entry.people)
        entry.status = EntryStatus.OFFERED
        entry.offer_expires_at = offer_expiry(program, now)
        entry.save(update_fields=["status", "offer_expires_at"])
        audit.record(
            "programs.entry.offered",
            actor=None,
            obj=entry,
            hub=program.hub,
            payload={"until": entry.offer_expires_at.isoformat()},
        )
        notify.after_commit(notify.OFFER_MADE, entry.pk)
        offered.append(entry)
    return offered


def _waiting_in_order(program: Program, batch: int = 50):
    """The waiting list in order, read in batches: usually one seat is freed and one batch
    is read, but a capacity raised by more than a batch must reach everyone it fits."""
    after = 0
    while True:
        chunk = list(
            Entry.objects.waitlisted().filter(program=program, waitlist_seq__gt=after)[:batch]
        )
        yield from chunk
        if len(chunk) < batch:
            return
        after = chunk[-1].waitlist_seq


def accept_offer(entry: Entry, *, actor=None, now: datetime | None = None) -> Entry:
    now = now or timezone.now()
    with transaction.atomic():
        program, entry = _locked_entry(entry.pk)
        if entry.status != EntryStatus.OFFERED:
            raise ProgramError("no_open_offer")
        if entry.offer_expires_at <= now:  # the tick has not lapsed it yet: do it as it would
            end_entry(program, entry, EntryStatus.LAPSED, now)
            audit.record("programs.entry.lapsed", actor=None, obj=entry, hub=program.hub)
            notify.after_commit(notify.OFFER_LAPSED, entry.pk)
            lapsed = True
        else:
            entry.status = EntryStatus.CONFIRMED
            entry.confirmed_at = now
            entry.save(update_fields=["status", "confirmed_at"])
            audit.record("programs.entry.accepted", actor=actor, obj=entry, hub=program.hub)
            notify.after_commit(notify.ENTRY_CONFIRMED, entry.pk)
            lapsed = False
    if lapsed:
        raise ProgramError("offer_lapsed")
    return entry


def decline_offer(entry: Entry, *, actor=None, now: datetime | None = None) -> Entry:
    now = now or timezone.now()
    with transaction.atomic():
        program, entry = _locked_entry(entry.pk)
        if entry.status != EntryStatus.OFFERED:
            raise ProgramError("no_open_offer")
        end_entry(program, entry, EntryStatus.DECLINED, now)
        audit.record("programs.entry.declined", actor=actor, obj=entry, hub=program.hub)
    return entry


def expire_offers(*, now: datetime | None = None) -> int:
    """Lapse offers whose time is up and pass the seats on; returns how many lapsed."""
    now = now or timezone.now()
    due = (
        Entry.objects.filter(status=EntryStatus.OFFERED, offer_expires_at__lte=now)
        .order_by("program_id")
        .values_list("program_id", flat=True)
        .distinct()
    )
    lapsed = 0
    for program_id in list(due):
        with transaction.atomic():
            program = lock_program(program_id)
            for entry in Entry.objects.filter(
                program=program, status=EntryStatus.OFFERED, offer_expires_at__lte=now
            ).order_by("pk"):
                end_entry(program, entry, EntryStatus.LAPSED, now)
                audit.record("programs.entry.lapsed", actor=None, obj=entry, hub=program.hub)
                notify.after_commit(notify.OFFER_LAPSED, entry.pk)
                lapsed += 1
    return lapsed


# -- the lottery ---------------------------------------------------------------------------------
def draw_lottery(
    program: Program, *, actor=None, seed: str | None = None, now: datetime | None = None
) -> LotteryDraw:
    """Draw a pending lottery: confirm in draw order while seats are left (a family too big
    for the seats left is passed over for a smaller one), put everyone else on the waiting
    list in draw order, and record seed, applicants and order so the draw can be re-run."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_program(program.pk)
        if not locked.lottery_pending or locked.status != ProgramStatus.PUBLISHED:
            raise ProgramError("not_a_pending_lottery")  # drafts and called-off ones too
        if actor is None and locked.draw_at is not None and now < locked.draw_at:
            raise ProgramError("draw_not_due")
        if locked.closes_at is not None and now < locked.closes_at:
            raise ProgramError("applications_still_open")
        draw = _run_draw(locked, seed or lottery.new_seed(), actor, now)
    return draw


def _run_draw(program: Program, seed: str, actor, now: datetime) -> LotteryDraw:
    """Under the program's lock: priorities in two queries, places decided in memory, then
    the entries, the counters and the result messages written in bulk (a popular class may
    have a few thousand applicants)."""
    applied = list(
        Entry.objects.filter(program=program, status=EntryStatus.APPLIED)
        .select_related("household__district", "household__town_block")
        .order_by("pk")
    )
    groups = list(program.priority_groups or [])
    priorities = priority.priorities(program, applied, now)
    applicants = [(e.pk, priorities[e.pk]) for e in applied]
    ordered_ids = lottery.order(seed, applicants)
    by_id = {e.pk: e for e in applied}
    before = (program.taken_families, program.taken_people, program.next_waitlist_seq)
    confirmed = 0
    for rank, entry_id in enumerate(ordered_ids, start=1):
        entry = by_id[entry_id]
        entry.lottery_rank, entry.priority = rank, priorities[entry_id]
        if program.fits(1, entry.people):
            program.taken_families += 1
            program.taken_people += entry.people
            entry.status, entry.confirmed_at = EntryStatus.CONFIRMED, now
            confirmed += 1
        elif program.has_waitlist:
            entry.status, entry.waitlist_seq = EntryStatus.WAITLISTED, program.next_waitlist_seq
            program.next_waitlist_seq += 1
        else:  # no waiting list: the draw is final for everyone without a seat
            entry.status, entry.ended_at = EntryStatus.NOT_DRAWN, now
    fields = ["lottery_rank", "priority", "status", "confirmed_at", "waitlist_seq", "ended_at"]
    Entry.objects.bulk_update(applied, fields, batch_size=500)
    waitlisted = program.next_waitlist_seq - before[2]
    program.waitlisted_families += waitlisted
    Program.objects.filter(pk=program.pk).update(
        taken_families=F("taken_families") + (program.taken_families - before[0]),
        taken_people=F("taken_people") + (program.taken_people - before[1]),
        next_waitlist_seq=F("next_waitlist_seq") + waitlisted,
        waitlisted_families=F("waitlisted_families") + waitlisted,
    )
    notify.after_commit_many(notify.LOTTERY_RESULT, ordered_ids)
    Program.objects.filter(pk=program.pk).update(drawn_at=now)
    program.drawn_at = now
    draw = LotteryDraw.objects.create(
        program=program,
        seed=seed,
        priority_groups=groups,
        applicants=[[entry_id, list(flags)] for entry_id, flags in applicants],
        order=ordered_ids,
        confirmed=confirmed,
        waitlisted=len(ordered_ids) - confirmed,
        drawn_at=now,
        drawn_by=actor,
    )
    audit.record(
        "programs.lottery.drawn",
        actor=actor,
        obj=program,
        hub=program.hub,
        payload={"seed": seed, "applicants": len(applied), "confirmed": confirmed},
    )
    return draw


def draw_due_lotteries(*, now: datetime | None = None) -> int:
    """Draw every lottery whose draw time has come (run by ``programs_tick``)."""
    now = now or timezone.now()
    due = Program.objects.filter(
        status=ProgramStatus.PUBLISHED,
        signup_mode="lottery",
        drawn_at__isnull=True,
        draw_at__lte=now,
    ).values_list("pk", flat=True)
    drawn = 0
    for program_id in list(due):
        try:
            draw_lottery(Program.objects.get(pk=program_id), now=now)
            drawn += 1
        except ProgramError:
            continue
    return drawn
