"""Two counters registering at once must not get the same card number (PostgreSQL).

First the race is shown with the sequence lock switched off, then the lock is shown to stop it
(docs/concurrency.md, "Proving it")."""

import contextlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from hiroba.core.tests.factories import HubFactory
from hiroba.families import services
from hiroba.families.models import CardSequence, Household
from hiroba.families.tests.factories import family


def _register_two_at_once(monkeypatch):
    hub = HubFactory()
    CardSequence.objects.create(hub=hub)
    both_numbered = threading.Barrier(2)
    take_number = services._next_card_number

    def number_then_wait(hub):
        number = take_number(hub)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_numbered.wait(timeout=1)
        return number

    monkeypatch.setattr(services, "_next_card_number", number_then_wait)
    outcomes = []

    def register():
        try:
            family(hub)
            outcomes.append("registered")
        except (IntegrityError, ValidationError):  # the model check or the database's
            outcomes.append("clash")
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    numbers = sorted(Household.objects.filter(hub=hub).values_list("card_number", flat=True))
    return sorted(outcomes), numbers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_sequence_lock_two_registrations_clash(monkeypatch):
    monkeypatch.setattr(services, "_locked_sequence", lambda hub: CardSequence.objects.get(hub=hub))
    outcomes, numbers = _register_two_at_once(monkeypatch)
    assert outcomes == ["clash", "registered"]  # both took 000001; the constraint refused one
    assert numbers == ["000001"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_sequence_lock_gives_each_registration_its_own_number(monkeypatch):
    outcomes, numbers = _register_two_at_once(monkeypatch)
    assert outcomes == ["registered", "registered"]
    assert numbers == ["000001", "000002"]
