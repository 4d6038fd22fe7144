"""The same seed gives the same visit history. In a module of its own: test_demo.py keeps the
whole demo seeded for all its tests, and seed_demo refuses a database that has data."""

from __future__ import annotations

import hashlib

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from hiroba.testing.plugin import DEMO_BASE
from hiroba.visits.models import COUNT_FIELDS, Visit

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-20T13:00:00+09:00", tick=False)
def test_the_same_seed_gives_the_same_visits(demo_steps):
    demo_steps(*DEMO_BASE, "visits.history")
    digests = []
    for _ in range(2):
        with transaction.atomic():
            call_command("seed_demo", "--seed", "11", "--quiet-logins")
            rows = Visit.objects.order_by("pk").values_list(
                "venue__name", "visited_on", "household__card_number", *COUNT_FIELDS
            )
            digests.append(hashlib.sha256(repr(list(rows)).encode()).hexdigest())
            transaction.set_rollback(True)
    assert digests[0] == digests[1]
