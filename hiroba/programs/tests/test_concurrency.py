"""Races of sign-up on PostgreSQL: the opening rush, double taps, cancellations while others
apply and answer offers, capacity in people, and a retried POST with an Idempotency-Key.

Every race is shown first with the program lock switched off (``signup.LOCK_PROGRAMS``) and a
barrier that holds each request between reading the program and writing (the window real
traffic hits by chance), asserting the bad outcome; then with the lock on, asserting the
invariants (docs/concurrency.md, "Proving it"). Each thread has its own connection and closes
it; a barrier starts them together.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter

import pytest
from django.db import IntegrityError, connection
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from hiroba.core.idempotency import idempotent
from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import HubFactory
from hiroba.families.choices import Relation
from hiroba.families.models import Household
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.programs import queries, services, signup
from hiroba.programs.choices import SEAT_HOLDING_STATUSES, EntryStatus
from hiroba.programs.errors import ProgramError
from hiroba.programs.models import Entry, Program
from hiroba.programs.tests.factories import caregivers_and_children, program

RUSH = 40  # families at the opening moment of a 30-seat class
SEATS = 30


# -- running requests at once --------------------------------------------------------------------
def _at_once(jobs):
    """Run every job in its own thread and connection, all released together; returns
    ("ok", value) or ("error", exception) per job, in order."""
    start = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            start.wait(timeout=30)
            outcomes[index] = ("ok", job())
        except Exception as error:  # noqa: BLE001 - the outcome is what the test judges
            outcomes[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(t.is_alive() for t in threads), "a request hung"
    return outcomes


def _patience() -> float:
    """How long a request waits at a barrier for the others. Without the lock they all get
    there, however loaded the machine; with it the others wait for the lock instead, so the
    barrier gives up after a second and the requests go on one by one."""
    return 1 if signup.LOCK_PROGRAMS else 30


def _hold_between_check_and_write(monkeypatch, parties: int) -> None:
    """Every request waits after it has read the program and before it decides, until all
    have read."""
    everyone_read = threading.Barrier(parties)
    decide = signup._decide

    def wait_then_decide(program, people):
        with contextlib.suppress(threading.BrokenBarrierError):
            everyone_read.wait(timeout=_patience())
        return decide(program, people)

    monkeypatch.setattr(signup, "_decide", wait_then_decide)


def _unlocked(monkeypatch) -> None:
    monkeypatch.setattr(signup, "LOCK_PROGRAMS", False)


# -- families ----------------------------------------------------------------------------------
def _family_of(hub, n: int, size: int = 2) -> Household:
    """A family of ``size`` people (2 to 4): a mother, a child, then a father, a second child."""
    members = [caregiver(given_name=f"花子{n}"), child(given_name=f"太郎{n}")]
    if size >= 3:
        members.append(caregiver(given_name=f"一郎{n}", relation=Relation.FATHER))
    if size >= 4:
        members.append(child(given_name=f"次郎{n}"))
    return family(hub, *members)


def _applying(prog, household):
    members = caregivers_and_children(household)
    return lambda: services.apply(prog, household, members)


def _errors(outcomes):
    return [value for kind, value in outcomes if kind == "error"]


def _entries(prog, status):
    return list(Entry.objects.filter(program=prog, status=status).order_by("waitlist_seq", "pk"))


def _assert_waiting_list_numbered(prog, n: int) -> None:
    waiting = _entries(prog, EntryStatus.WAITLISTED)
    assert [queries.waitlist_position(e) for e in waiting] == list(range(1, n + 1))


# -- a. the opening rush -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("capacity", "constraint"),
    [
        ({"capacity_families": SEATS}, "programs_program_families_within_capacity"),
        (
            {"capacity_families": None, "capacity_people": SEATS},
            "programs_program_people_within_capacity",
        ),
    ],
    ids=["families", "people"],
)
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_rush_overbooks_and_only_the_check_constraint_refuses(
    monkeypatch, capacity, constraint
):
    hub = HubFactory()
    prog = program(hub, **capacity)
    households = [_family_of(hub, n, size=2 + n % 3) for n in range(RUSH)]
    _unlocked(monkeypatch)
    _hold_between_check_and_write(monkeypatch, RUSH)
    outcomes = _at_once([_applying(prog, h) for h in households])
    errors = _errors(outcomes)
    # Everyone read "seats free" and was confirmed; the counter update of the late ones broke
    # the check constraint: those parents would see a server error instead of a waiting-list
    # place, and nobody is on the waiting list at all.
    assert errors, "the race did not happen"
    assert all(isinstance(e, IntegrityError) and constraint in str(e) for e in errors)
    assert not _entries(prog, EntryStatus.WAITLISTED)
    assert Entry.objects.filter(program=prog).count() == RUSH - len(errors)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_waiting_list_numbers_clash(monkeypatch):
    hub = HubFactory()
    prog = program(hub, capacity_families=1)
    first = _family_of(hub, 999)
    services.apply(prog, first, caregivers_and_children(first))
    households = [_family_of(hub, n) for n in range(20)]
    _unlocked(monkeypatch)
    _hold_between_check_and_write(monkeypatch, 20)
    errors = _errors(_at_once([_applying(prog, h) for h in households]))
    assert len(errors) == 19  # all took waiting-list number 1; the unique index refused 19
    assert all("programs_entry_unique_waitlist_seq" in str(e) for e in errors)
    assert [e.waitlist_seq for e in _entries(prog, EntryStatus.WAITLISTED)] == [1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_lock_seats_thirty_families_and_numbers_the_rest(monkeypatch):
    hub = HubFactory()
    prog = program(hub, capacity_families=SEATS)
    households = [_family_of(hub, n) for n in range(RUSH)]
    _hold_between_check_and_write(monkeypatch, RUSH)
    started = time.monotonic()
    outcomes = _at_once([_applying(prog, h) for h in households])
    elapsed = time.monotonic() - started
    assert _errors(outcomes) == []
    statuses = Counter(entry.status for _kind, entry in outcomes)
    assert statuses == {EntryStatus.CONFIRMED: SEATS, EntryStatus.WAITLISTED: RUSH - SEATS}
    _assert_waiting_list_numbered(prog, RUSH - SEATS)
    found = queries.invariant_violations(prog)
    assert found.ok, found.problems
    assert (prog.taken_families, prog.taken_people, prog.waitlisted_families) == (30, 60, 10)
    assert elapsed < 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_lock_keeps_capacity_in_people_under_the_rush(monkeypatch):
    hub = HubFactory()
    prog = program(hub, capacity_families=None, capacity_people=SEATS)
    households = [_family_of(hub, n, size=2 + n % 3) for n in range(RUSH)]
    _hold_between_check_and_write(monkeypatch, RUSH)
    outcomes = _at_once([_applying(prog, h) for h in households])
    assert _errors(outcomes) == []
    found = queries.invariant_violations(prog)
    assert found.ok, found.problems
    confirmed = _entries(prog, EntryStatus.CONFIRMED)
    waiting = _entries(prog, EntryStatus.WAITLISTED)
    assert len(confirmed) + len(waiting) == RUSH
    assert prog.taken_people == sum(e.people for e in confirmed) <= SEATS
    assert not prog.fits(1, waiting[0].people)  # a seat is only left over if it is too small
    _assert_waiting_list_numbered(prog, len(waiting))


# -- b. a double tap -----------------------------------------------------------------------------
@pytest.mark.parametrize("locked", [True, False], ids=["lock", "constraint-only"])
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_tap_gives_one_entry_and_already_entered(monkeypatch, locked):
    """With the lock the second request finds the first entry; without it the partial unique
    index (one active entry per family) refuses the second insert, turned into the same
    message."""
    hub = HubFactory()
    prog = program(hub, capacity_families=SEATS)
    household = _family_of(hub, 1)
    if not locked:
        _unlocked(monkeypatch)
    _hold_between_check_and_write(monkeypatch, 2)
    outcomes = _at_once([_applying(prog, household), _applying(prog, household)])
    errors = _errors(outcomes)
    assert len(errors) == 1
    assert isinstance(errors[0], ProgramError) and errors[0].code == "already_entered"
    assert Entry.objects.filter(program=prog, household=household).count() == 1
    found = queries.invariant_violations(prog)
    assert found.ok, found.problems
    assert prog.taken_families == 1


# -- c. cancellations, applications and answers to offers at once -----------------------------
def _hold_after_reading_the_entry(monkeypatch, parties: int) -> None:
    everyone_read = threading.Barrier(parties)
    locked_entry = signup._locked_entry

    def read_then_wait(entry_id):
        found = locked_entry(entry_id)
        with contextlib.suppress(threading.BrokenBarrierError):
            everyone_read.wait(timeout=_patience())
        return found

    monkeypatch.setattr(signup, "_locked_entry", read_then_wait)


def _full_with_a_waiting_list(hub, waiting: int):
    prog = program(hub, capacity_families=SEATS)
    entries = [
        services.apply(prog, h, caregivers_and_children(h))
        for h in (_family_of(hub, n) for n in range(SEATS + waiting))
    ]
    return prog, entries[:SEATS], entries[SEATS:]


def _offers_by_entry() -> Counter:
    return Counter(
        AuditLog.objects.filter(action="programs.entry.offered").values_list("object_id", flat=True)
    )


@pytest.mark.parametrize("locked", [False, True], ids=["no-lock", "lock"])
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_seat_cancelled_twice_at_once_is_freed_once(monkeypatch, locked):
    """The parent cancels on the web while staff cancel the same entry on the phone."""
    hub = HubFactory()
    prog, confirmed, _waiting = _full_with_a_waiting_list(hub, 3)
    if not locked:
        _unlocked(monkeypatch)
    _hold_after_reading_the_entry(monkeypatch, 2)
    entry = confirmed[0]
    outcomes = _at_once(
        [lambda: services.cancel(entry), lambda: services.cancel(entry, by_staff=True)]
    )
    found = queries.invariant_violations(prog)
    if not locked:  # both freed the one seat: two offers for it, the counter is off by one
        assert _errors(outcomes) == []
        assert sum(_offers_by_entry().values()) == 2
        assert "taken_families != rows" in found.problems
        return
    errors = _errors(outcomes)
    assert [e.code for e in errors] == ["not_active"]
    assert sum(_offers_by_entry().values()) == 1
    assert found.ok, found.problems
    assert Entry.objects.filter(program=prog, status__in=SEAT_HOLDING_STATUSES).count() == SEATS


def _answer_when_offered(entry: Entry, *, accept: bool):
    """A waiting family watches for its offer (an e-mail in real life) and answers it."""

    def answer():
        deadline = time.monotonic() + 60
        while Entry.objects.get(pk=entry.pk).status != EntryStatus.OFFERED:
            if time.monotonic() > deadline:
                return "never offered"
            time.sleep(0.02)
        if accept:
            return services.accept_offer(entry).status
        return services.decline_offer(entry).status

    return answer


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cancellations_applications_and_answers_at_once_keep_every_seat_once():
    hub = HubFactory()
    prog, confirmed, waiting = _full_with_a_waiting_list(hub, 12)
    newcomers = [_family_of(hub, 100 + n) for n in range(10)]
    declining = set(range(0, 12, 4))  # three waiting families say no when offered
    jobs = [lambda e=e: services.cancel(e).status for e in confirmed[:10]]
    jobs += [_applying(prog, h) for h in newcomers]
    jobs += [_answer_when_offered(e, accept=i not in declining) for i, e in enumerate(waiting)]
    outcomes = _at_once(jobs)
    assert _errors(outcomes) == []
    answers = [value for _kind, value in outcomes[20:]]
    assert answers == ["declined" if i in declining else "confirmed" for i in range(12)]

    found = queries.invariant_violations(prog)
    assert found.ok, found.problems
    offers = _offers_by_entry()
    assert max(offers.values()) == 1  # no family was offered a seat twice
    assert set(map(int, offers)) >= {e.pk for e in waiting}  # each waiting family in turn
    late = [value for _kind, value in outcomes[10:20]]
    confirmed_at_once = sum(e.status == EntryStatus.CONFIRMED for e in late)
    freed = 10 + len(declining)
    assert len(offers) + confirmed_at_once == freed  # every freed seat went to one family
    assert prog.taken_families == SEATS
    assert Entry.objects.filter(program=prog, status__in=SEAT_HOLDING_STATUSES).count() == SEATS
    still_waiting = _entries(prog, EntryStatus.WAITLISTED)
    _assert_waiting_list_numbered(prog, len(still_waiting))
    assert {e.household_id for e in still_waiting} <= {h.pk for h in newcomers}


# -- e. a retried POST with an Idempotency-Key ---------------------------------------------------
@idempotent(scope=lambda request: f"family:{request.POST['household']}")
def apply_view(request):
    """A stand-in for the portal's apply view: applies, then takes a moment to answer, so
    the retries arrive while the first request still holds its key."""
    household = Household.objects.get(pk=request.POST["household"])
    prog = Program.objects.get(pk=request.POST["program"])
    try:
        entry = services.apply(prog, household, caregivers_and_children(household))
    except ProgramError as error:
        return HttpResponse(error.code, status=409)
    time.sleep(0.3)
    response = HttpResponse(f"entry {entry.pk}: {entry.status}", status=201)
    response["Location"] = f"/entries/{entry.pk}/"
    return response


urlpatterns = [path("apply/", apply_view)]


def _posting(data, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return lambda: Client().post("/apply/", data, headers=headers)


@pytest.mark.parametrize("key", [None, "tap-7f3a9c"], ids=["no-key", "same-key"])
@pytest.mark.urls(__name__)
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_retries_with_one_key_apply_once_and_all_get_the_same_answer(key):
    hub = HubFactory()
    prog = program(hub, capacity_families=SEATS)
    household = _family_of(hub, 1)
    data = {"household": household.pk, "program": prog.pk}
    outcomes = _at_once([_posting(data, key) for _ in range(10)])
    assert _errors(outcomes) == []
    responses = [response for _kind, response in outcomes]
    assert Entry.objects.filter(program=prog).count() == 1
    entry = Entry.objects.get(program=prog)
    if key is None:  # the double taps are told they already applied: a confusing error page
        assert sorted(r.status_code for r in responses) == [201] + [409] * 9
        return
    assert {(r.status_code, r.content, r["Location"]) for r in responses} == {
        (201, f"entry {entry.pk}: confirmed".encode(), f"/entries/{entry.pk}/")
    }
    replayed = [r.headers.get("Idempotent-Replayed") for r in responses]
    assert sorted(replayed, key=str) == [None] + ["true"] * 9


# -- f. the last date ------------------------------------------------------------------------------
def _hold_after_locking_the_program(monkeypatch, parties: int) -> None:
    everyone_read = threading.Barrier(parties)
    lock = services.lock_program

    def lock_then_wait(program_id, **kwargs):
        found = lock(program_id, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            everyone_read.wait(timeout=_patience())
        return found

    monkeypatch.setattr(services, "lock_program", lock_then_wait)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locked", [False, True], ids=["no-lock", "lock"])
def test_two_staff_removing_both_dates_at_once_leave_one(monkeypatch, locked):
    """Two tablets remove the two dates of a published class at the same moment."""
    prog = program(HubFactory(), sessions=2)
    first, second = prog.sessions.order_by("starts_at")
    if not locked:
        _unlocked(monkeypatch)
    _hold_after_locking_the_program(monkeypatch, 2)
    outcomes = _at_once(
        [
            lambda: services.remove_session(first, actor=None),
            lambda: services.remove_session(second, actor=None),
        ]
    )
    left = prog.sessions.count()
    if not locked:  # both counted two dates: the published class has none
        assert _errors(outcomes) == [] and left == 0
        return
    assert [e.code for e in _errors(outcomes)] == ["last_session"]
    assert left == 1
    prog.refresh_from_db()
    assert prog.first_starts_at == prog.sessions.get().starts_at
