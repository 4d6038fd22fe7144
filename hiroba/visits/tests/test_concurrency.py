"""Two tablets checking in the same family at the same venue and day at once (PostgreSQL;
SQLite's IMMEDIATE transactions serialise them anyway).

Check-in has two guards (docs/concurrency.md): the household row lock, after which the second
tablet finds the first one's visit, and the unique constraint (household, venue, day) with a
savepoint fallback. The race is shown first with both guards off (the family is counted
twice), then with only the constraint (it catches the second insert), then with the lock (the
constraint is never even reached)."""

import contextlib
import threading

import pytest
from django.db import IntegrityError, connection

from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import HubFactory, VenueFactory
from hiroba.families.choices import HouseholdStatus
from hiroba.families.models import Household
from hiroba.families.tests.factories import family
from hiroba.visits import services
from hiroba.visits.models import Visit, VisitMonth

UNIQUE_VISIT = "visit_once_per_family_venue_day"


def _without_the_lock(monkeypatch):
    def read_only(household):
        return Household.objects.get(pk=household.pk)

    monkeypatch.setattr(services, "_lock_household", read_only)


@contextlib.contextmanager
def _without_the_unique_constraint():
    constraint = next(c for c in Visit._meta.constraints if c.name == UNIQUE_VISIT)
    with connection.schema_editor() as editor:
        editor.remove_constraint(Visit, constraint)
    try:
        yield
    finally:
        Visit.objects.all().delete()  # duplicates would stop the constraint coming back
        with connection.schema_editor() as editor:
            editor.add_constraint(Visit, constraint)


def _two_tablets_at_once(monkeypatch, *, status=HouseholdStatus.ACTIVE):
    """Both tablets tap "check in" for the whole family at the same moment."""
    hub = HubFactory()
    venue = VenueFactory(hub=hub)
    household = family(hub, status=status)
    member_ids = list(household.members.values_list("pk", flat=True))
    both_looked = threading.Barrier(2)
    counts = services._family_counts

    def counts_then_wait(*args):
        # Called after the existing-visit lookup and before the insert: hold on until the
        # other tablet has looked too. When it is waiting for our lock instead, the barrier
        # times out and we go on.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_looked.wait(timeout=1)
        return counts(*args)

    monkeypatch.setattr(services, "_family_counts", counts_then_wait)
    clashes = []
    save = Visit.save

    def save_noting_clashes(self, *args, **kwargs):
        try:
            return save(self, *args, **kwargs)
        except IntegrityError:
            clashes.append(self.household_id)
            raise

    monkeypatch.setattr(Visit, "save", save_noting_clashes)
    created = []

    def tap():
        try:
            _visit, new, _confirmed = services.check_in_and_confirm(
                Household.objects.get(pk=household.pk), venue, member_ids, actor=None, confirm=True
            )
            created.append(new)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    rollup = VisitMonth.objects.filter(venue=venue).values_list("visits", flat=True)
    return {
        "created": sorted(created),
        "visits": Visit.objects.filter(venue=venue).count(),
        "rollup": sum(rollup),
        "clashes": len(clashes),
        "household": household,
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_any_guard_two_tablets_count_the_family_twice(monkeypatch):
    _without_the_lock(monkeypatch)
    with _without_the_unique_constraint():
        outcome = _two_tablets_at_once(monkeypatch)
        assert outcome["created"] == [True, True]
        assert (outcome["visits"], outcome["rollup"]) == (2, 2)  # the race is real


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_unique_constraint_catches_the_second_tablet(monkeypatch):
    _without_the_lock(monkeypatch)
    outcome = _two_tablets_at_once(monkeypatch)
    assert outcome["clashes"] == 1  # both inserted; the savepoint fallback found the first visit
    assert outcome["created"] == [False, True]
    assert (outcome["visits"], outcome["rollup"]) == (1, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_household_lock_makes_the_second_tablet_find_the_first_visit(monkeypatch):
    outcome = _two_tablets_at_once(monkeypatch)
    assert outcome["clashes"] == 0
    assert outcome["created"] == [False, True]
    assert (outcome["visits"], outcome["rollup"]) == (1, 1)
    household = outcome["household"]
    household.refresh_from_db()
    assert household.first_visit_on == Visit.objects.get().visited_on


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_pre_registration_is_confirmed_once_when_two_tablets_check_it_in(monkeypatch):
    outcome = _two_tablets_at_once(monkeypatch, status=HouseholdStatus.PENDING)
    assert (outcome["visits"], outcome["rollup"]) == (1, 1)
    household = outcome["household"]
    household.refresh_from_db()
    assert household.status == HouseholdStatus.ACTIVE
    confirmations = AuditLog.objects.filter(action="families.household.confirmed")
    assert confirmations.count() == 1
