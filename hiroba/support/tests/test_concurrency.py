"""Booking under concurrency (PostgreSQL): one slot, many families at once; one family, many
tabs at once. First the race without the guard, then the service with its locks.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction

from hiroba.consultations.tests.test_concurrency import _in_threads
from hiroba.support.errors import SupportError
from hiroba.support.models import SupportBooking
from hiroba.support.tests.factories import a_family, book, slot, slots

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=TOKYO)
NEXT_WEEK = date(2026, 11, 27)
FAMILIES = 8


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_without_the_guard_two_families_both_see_the_slot_free(world):
    free = slot(world.a, NEXT_WEEK)
    families = [a_family(world.a.hub, name) for name in ("花子", "桜")]
    barrier = threading.Barrier(2)
    turn = iter(families)
    lock = threading.Lock()

    def naive():
        with lock:
            household = next(turn)
        with transaction.atomic():
            taken = SupportBooking.objects.filter(slot=free).holding().exists()
            barrier.wait()  # both have checked before either writes
            if taken:
                return "taken"
            SupportBooking.objects.create(slot=free, household=household, source="portal")
            return "booked"

    outcomes = _in_threads(naive, 2)
    # Both checks saw a free slot (neither answered "taken"): a check alone double-books.
    # Only the partial unique index refused the second insert, as an error page would.
    assert "taken" not in outcomes
    assert outcomes.count("booked") == 1
    assert sum(isinstance(o, IntegrityError) for o in outcomes) == 1
    assert SupportBooking.objects.count() == 1


def test_many_families_pressing_at_once_get_one_booking_and_clear_refusals(world):
    free = slot(world.a, NEXT_WEEK)
    families = iter([a_family(world.a.hub, f"親{n}") for n in range(FAMILIES)])
    lock = threading.Lock()

    def press():
        with lock:
            household = next(families)
        return book(free, household)

    outcomes = _in_threads(press, FAMILIES)
    booked = [o for o in outcomes if isinstance(o, SupportBooking)]
    refused = [o for o in outcomes if isinstance(o, SupportError)]
    assert len(booked) == 1, outcomes
    assert [e.code for e in refused] == ["slot_taken"] * (FAMILIES - 1)
    assert SupportBooking.objects.filter(slot=free).count() == 1


def test_one_family_in_several_tabs_cannot_pass_its_limit(world):
    made = slots(world.a, NEXT_WEEK, time(9, 0), time(10, 0), time(11, 0), time(13, 0))
    household = a_family(world.a.hub)
    free = iter(made)
    lock = threading.Lock()

    def press():
        with lock:
            chosen = next(free)
        return book(chosen, household)

    outcomes = _in_threads(press, len(made))
    booked = [o for o in outcomes if isinstance(o, SupportBooking)]
    assert len(booked) == 2, outcomes  # the default limit of waiting bookings
    assert (
        sorted(o.code for o in outcomes if isinstance(o, SupportError)) == ["too_many_bookings"] * 2
    )
