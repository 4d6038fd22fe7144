"""Case numbers under concurrent entry (issue 6): never duplicated, never skipped.

First the race without the guard (reading the highest number and adding one), then the same
concurrency through the service, whose single upsert on the counter row serialises takers.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.db.models import Max

from hiroba.accounts.choices import Role
from hiroba.consultations.models import Consultation
from hiroba.consultations.tests.factories import consultation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
WRITERS = 8


def _in_threads(work, count: int) -> list:
    barrier = threading.Barrier(count)
    results: list = []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait()
            outcome = work()
        except Exception as error:  # noqa: BLE001 - the test inspects what happened
            outcome = error
        finally:
            connections.close_all()  # this thread's own; frozen clocks never expire them
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_without_the_guard_two_writers_take_the_same_number(world):
    hub = world.a.hub
    barrier = threading.Barrier(2)

    def naive():
        with transaction.atomic():
            highest = Consultation.objects.filter(hub=hub).aggregate(n=Max("case_number"))["n"]
            barrier.wait()  # both have read before either writes
            return (highest or 0) + 1

    numbers = _in_threads(naive, 2)
    assert numbers == [1, 1]  # the duplicate the unique constraint would then reject


def test_concurrent_records_get_consecutive_numbers(world):
    hub, actor = world.a.hub, world.a.person(Role.HUB_STAFF)
    results = _in_threads(lambda: consultation(hub, actor=actor).case_number, WRITERS)
    assert sorted(results) == list(range(1, WRITERS + 1)), results
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_number FROM consultations_casecounter")
        assert cursor.fetchone()[0] == WRITERS


def test_a_rolled_back_record_leaves_no_gap(world):
    hub, actor = world.a.hub, world.a.person(Role.HUB_STAFF)
    consultation(hub, actor=actor)
    with pytest.raises(RuntimeError), transaction.atomic():
        consultation(hub, actor=actor)
        raise RuntimeError("the page failed after the insert")
    assert consultation(hub, actor=actor).case_number == 2
