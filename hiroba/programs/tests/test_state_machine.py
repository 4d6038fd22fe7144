"""Property test of sign-up: after any sequence of applications, cancellations, offers accepted,
declined and lapsed, capacity changes and a lottery draw, the sign-up invariants hold.

Hypothesis drives a state machine over two programs of one hub (first come with capacity in
families and people, and a lottery) and a pool of families built once per test. Each rule
also checks its own outcome against a small model (which status an application gets, which
error a refusal gives). pytest-django resets the database per test only, so every example
runs in a savepoint rolled back at its end; the clock is a ``time_machine`` traveller moved
by the "time passes" rule, so offers lapse and the draw comes due as they would in real use.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from hiroba.accounts.tests.factories import UserFactory
from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import HubFactory
from hiroba.families.choices import MemberKind, Relation
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.programs import queries, services
from hiroba.programs.choices import (
    ACTIVE_STATUSES,
    SEAT_HOLDING_STATUSES,
    EntryChannel,
    EntryStatus,
    SignupMode,
)
from hiroba.programs.errors import ProgramError
from hiroba.programs.models import Entry, Program
from hiroba.programs.tests.factories import caregivers_and_children, program
from hiroba.testing.plugin import long_checks

pytestmark = pytest.mark.django_db

START = timezone.now().replace(hour=1, minute=0, second=0, microsecond=0)  # 10:00 in Tokyo
STARTS_AT = START + timedelta(days=60)
CLOSES = START + timedelta(days=5)
DRAW = START + timedelta(days=6)
FIRST_COME, LOTTERY = 0, 1


class Stage:
    """What every example shares: the hub, a staff member and the families (built once)."""

    hub = None
    staff = None
    families: list = []


def _build_stage() -> None:
    Stage.hub = HubFactory()
    Stage.staff = UserFactory()
    shapes = [(1, 1), (1, 2), (2, 1), (2, 3), (1, 1), (2, 2), (1, 3), (1, 1)]
    Stage.families = []
    for n, (adults, children) in enumerate(shapes):
        members = [caregiver(given_name=f"花子{n}")]
        if adults == 2:
            members.append(caregiver(given_name=f"一郎{n}", relation=Relation.FATHER))
        members += [child(given_name=f"子{n}-{c}") for c in range(children)]
        household = family(Stage.hub, *members)
        grown_ups = list(household.members.filter(kind=MemberKind.CAREGIVER).order_by("pk"))
        kids = list(household.members.filter(kind=MemberKind.CHILD).order_by("pk"))
        Stage.families.append((household, grown_ups, kids))


def _chosen(people: list, mask: int) -> list:
    """A non-empty subset of ``people`` picked by the bits of ``mask``."""
    picked = [p for bit, p in enumerate(people) if mask & (1 << bit)]
    return picked or people[:1]


class _Refusal:
    code: str | None = None


@contextlib.contextmanager
def _refusal():
    """Catch a ``ProgramError`` and keep its code for the rule to compare with the model."""
    outcome = _Refusal()
    try:
        yield outcome
    except ProgramError as error:
        outcome.code = error.code


def _expected_status(prog: Program, people: int) -> str:
    if prog.lottery_pending:
        return EntryStatus.APPLIED
    if prog.waitlisted_families == 0 and prog.fits(1, people):
        return EntryStatus.CONFIRMED
    return EntryStatus.WAITLISTED


class SignupMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.clock = START
        with self._at_clock():
            self.programs = [
                program(Stage.hub, starts_at=STARTS_AT, capacity_families=3, capacity_people=8),
                program(
                    Stage.hub,
                    starts_at=STARTS_AT,
                    capacity_families=2,
                    capacity_people=None,
                    signup_mode=SignupMode.LOTTERY,
                    closes_at=CLOSES,
                    draw_at=DRAW,
                ),
            ]
        self.touched = {p.pk for p in self.programs}
        self.statuses = {p.pk: Counter() for p in self.programs}  # as the invariant last saw
        self.drawn = False

    def _has(self, *statuses) -> bool:
        return any(c[s] for c in self.statuses.values() for s in statuses)

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    def _at_clock(self):
        return time_machine.travel(self.clock, tick=False)

    def _program(self, which: int) -> Program:
        self.touched.add(self.programs[which].pk)
        return Program.objects.get(pk=self.programs[which].pk)

    def _pick(self, statuses, pick: int) -> Entry:
        """One of the entries (of either program) in ``statuses``, chosen by ``pick``."""
        entries = list(
            Entry.objects.filter(program__in=self.programs, status__in=statuses).order_by("pk")
        )
        entry = entries[pick % len(entries)]
        self.touched.add(entry.program_id)
        return entry

    # -- the rules -------------------------------------------------------------------------------
    @initialize(first_come=st.integers(0, 8), lottery=st.integers(0, 8))
    def rush(self, first_come, lottery):
        """The opening rush: so many families apply at once that most examples start with
        full seats and a waiting list (or a crowded draw), where cancelling makes offers."""
        with self._at_clock():
            for which, n in ((FIRST_COME, first_come), (LOTTERY, lottery)):
                for household, grown_ups, kids in Stage.families[:n]:
                    services.apply(self.programs[which], household, grown_ups[:1] + kids[:1])

    @rule(
        which=st.sampled_from([FIRST_COME, LOTTERY]),
        who=st.integers(0, 7),
        adults=st.integers(1, 3),
        children=st.integers(1, 7),
        by_phone=st.booleans(),
        again=st.booleans(),
    )
    def apply(self, *, which, who, adults, children, by_phone, again):
        """A family applies: usually one without an entry yet (``who`` counts among those),
        sometimes any family, which may be one that already applied."""
        prog = self._program(which)
        if not again:
            entered = set(
                Entry.objects.active().filter(program=prog).values_list("household_id", flat=True)
            )
            free = [n for n, (h, _a, _c) in enumerate(Stage.families) if h.pk not in entered]
            who = free[who % len(free)] if free else who
        household, grown_ups, kids = Stage.families[who]
        members = _chosen(grown_ups, adults) + _chosen(kids, children)
        closed = prog.lottery_pending and self.clock >= CLOSES and not by_phone
        already = queries.active_entry(prog, household) is not None
        expected = _expected_status(prog, len(members))
        channel = EntryChannel.PHONE if by_phone else EntryChannel.WEB
        actor = Stage.staff if by_phone else None
        with self._at_clock(), _refusal() as refused:
            entry = services.apply(prog, household, members, channel=channel, actor=actor)
        if closed or already:
            assert refused.code == ("waiting_for_draw" if closed else "already_entered")
        else:
            assert refused.code is None, refused.code
            assert (entry.status, entry.people) == (expected, len(members))

    @precondition(lambda self: self._has(*ACTIVE_STATUSES))
    @rule(pick=st.integers(0, 50), staff=st.booleans())
    def cancel(self, pick, staff):
        entry = self._pick(ACTIVE_STATUSES, pick)
        with self._at_clock():
            services.cancel(entry, by_staff=staff, actor=Stage.staff if staff else None)
        entry.refresh_from_db()
        assert entry.status == EntryStatus.CANCELLED and entry.ended_at == self.clock

    @precondition(lambda self: self._has(EntryStatus.OFFERED))
    @rule(pick=st.integers(0, 50), accept=st.booleans())
    def answer_offer(self, pick, accept):
        """The family accepts (too late when the clock passed the offer's end) or declines."""
        entry = self._pick([EntryStatus.OFFERED], pick)
        lapsed = entry.offer_expires_at <= self.clock
        with self._at_clock(), _refusal() as refused:
            if accept:
                services.accept_offer(entry)
            else:
                services.decline_offer(entry)
        entry.refresh_from_db()
        if not accept:
            assert refused.code is None and entry.status == EntryStatus.DECLINED
        elif lapsed:
            assert refused.code == "offer_lapsed" and entry.status == EntryStatus.LAPSED
            lapses = AuditLog.objects.filter(action="programs.entry.lapsed", object_id=entry.pk)
            assert lapses.count() == 1
        else:
            assert refused.code is None and entry.status == EntryStatus.CONFIRMED

    @rule(hours=st.sampled_from([1, 4, 12, 30]), tick=st.booleans())
    def time_passes(self, hours, tick):
        """Time passes and the tick lapses offers that are over, or has not run yet (then a
        family may still try to accept an offer whose time is up)."""
        self.clock += timedelta(hours=hours)
        if not tick:
            return
        self.touched |= {p.pk for p in self.programs}
        with self._at_clock():
            services.expire_offers()
        overdue = Entry.objects.filter(status=EntryStatus.OFFERED, offer_expires_at__lte=self.clock)
        assert not overdue.exists()

    @rule(
        which=st.sampled_from([FIRST_COME, LOTTERY]),
        families=st.none() | st.integers(1, 6),
        people=st.none() | st.integers(2, 14),
    )
    def change_capacity(self, which, families, people):
        prog = self._program(which)
        too_low = (families is not None and families < prog.taken_families) or (
            people is not None and people < prog.taken_people
        )
        values = {"capacity_families": families, "capacity_people": people}
        with self._at_clock(), _refusal() as refused:
            services.update_program(prog, values, actor=Stage.staff)
        prog.refresh_from_db()
        if too_low:
            assert refused.code == "capacity_below_taken"
        else:
            assert refused.code is None, refused.code
            assert (prog.capacity_families, prog.capacity_people) == (families, people)

    @precondition(lambda self: not self.drawn)
    @rule(seed=st.integers(0, 10**6))
    def draw(self, seed):
        prog = self._program(LOTTERY)
        self.drawn = True
        self.clock = max(self.clock, CLOSES)
        applied = Entry.objects.filter(program=prog, status=EntryStatus.APPLIED).count()
        with self._at_clock():
            draw = services.draw_lottery(prog, actor=Stage.staff, seed=f"seed-{seed}")
        assert draw.confirmed + draw.waitlisted == applied == len(draw.order)
        assert not Entry.objects.filter(program=prog, status=EntryStatus.APPLIED).exists()

    # -- the invariants --------------------------------------------------------------------------
    @invariant()
    def sign_up_invariants_hold(self):
        """All checks in one pass over the programs the step changed (one that no step
        touched still holds what it held), so 1,500 steps stay quick."""
        touched, self.touched = self.touched, set()
        if not touched:
            return
        programs = Program.objects.filter(pk__in=touched).order_by("pk")
        entries = list(Entry.objects.filter(program__in=touched).order_by("pk"))
        for prog in programs:
            found = queries.invariant_violations(prog)
            assert found.ok, found.problems
            mine = [e for e in entries if e.program_id == prog.pk]
            _check_program(prog, mine)
            self.statuses[prog.pk] = Counter(e.status for e in mine)


def _check_program(prog: Program, entries: list[Entry]) -> None:
    seats = [e for e in entries if e.status in SEAT_HOLDING_STATUSES]
    assert prog.capacity_families is None or len(seats) <= prog.capacity_families
    assert prog.capacity_people is None or sum(e.people for e in seats) <= prog.capacity_people
    active = [e.household_id for e in entries if e.status in ACTIVE_STATUSES]
    assert len(active) == len(set(active)), "a family has two active entries"
    waiting = sorted(
        (e for e in entries if e.status == EntryStatus.WAITLISTED), key=lambda e: e.waitlist_seq
    )
    positions = [queries.waitlist_position(e) for e in waiting]
    assert positions == list(range(1, len(waiting) + 1))
    for offer in (e for e in entries if e.status == EntryStatus.OFFERED):
        assert offer.offer_expires_at is not None and offer.offer_expires_at <= STARTS_AT
    if waiting:  # freed seats are offered at once: whoever is first in line does not fit
        assert not prog.fits(1, waiting[0].people)
    statuses = {e.status for e in entries}
    if prog.lottery_pending:  # nobody holds or waits for a seat before the draw
        assert statuses <= {EntryStatus.APPLIED, EntryStatus.CANCELLED}
    else:
        assert EntryStatus.APPLIED not in statuses


def test_sign_up_keeps_its_invariants_under_any_sequence_of_steps():
    if connection.vendor == "postgresql":
        # PostgreSQL sequences are not rolled back with each example, so a replayed example
        # gets other entry ids, hence another lottery order: Hypothesis then (rightly) calls
        # the example flaky. The rules are the same on both engines; the races are covered
        # by test_concurrency.py on PostgreSQL.
        pytest.skip("Hypothesis needs repeatable ids: runs on SQLite")
    _build_stage()
    run_state_machine_as_test(
        SignupMachine,
        settings=settings(
            # ~750 steps: about 10 s here; every step runs the checker. pytest --long: 500
            # sequences of 50 steps (make check-long).
            max_examples=500 if long_checks() else 30,
            stateful_step_count=50 if long_checks() else 25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


def test_accepting_an_offer_whose_time_is_up_lapses_it_as_the_tick_would():
    hub = HubFactory()
    prog = program(hub, capacity_families=1)
    households = [family(hub, caregiver(given_name=f"花子{n}"), child()) for n in range(3)]
    first, second, third = (services.apply(prog, h, caregivers_and_children(h)) for h in households)
    services.cancel(first)
    second.refresh_from_db()
    with pytest.raises(ProgramError) as error:
        services.accept_offer(second, now=second.offer_expires_at)
    assert error.value.code == "offer_lapsed"
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == (EntryStatus.LAPSED, EntryStatus.OFFERED)
    lapses = AuditLog.objects.filter(action="programs.entry.lapsed", object_id=second.pk)
    assert lapses.count() == 1  # the audit trail shows it, as when the tick lapses an offer
    assert queries.invariant_violations(prog).ok


def test_raising_the_capacity_offers_every_seat_it_makes_even_past_a_batch():
    """Moving a class to a bigger room with 60 families waiting offers all of them at once."""
    hub = HubFactory()
    prog = program(hub, capacity_families=1)
    households = [family(hub, caregiver(given_name=f"花子{n}"), child()) for n in range(61)]
    for household in households:
        services.apply(prog, household, list(household.members.all()))
    prog.refresh_from_db()
    assert (prog.taken_families, prog.waitlisted_families) == (1, 60)
    services.update_program(prog, {"capacity_families": 80}, actor=None)
    statuses = list(Entry.objects.filter(program=prog).values_list("status", flat=True))
    assert sorted(statuses) == ["confirmed"] + ["offered"] * 60
    later = family(hub, caregiver(given_name="遅子"), child())
    assert services.apply(prog, later, list(later.members.all())).status == "confirmed"
    assert queries.invariant_violations(prog).ok
