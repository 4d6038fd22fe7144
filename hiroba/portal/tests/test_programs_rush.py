"""The apply form under a rush, on PostgreSQL with real parallel requests: the same form sent
twice at once (a double tap, a retry after a timeout) makes one entry and both answers point
to it; families racing for the last seats are confirmed up to capacity and the rest wait, in
order, with the counters matching the rows."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from hiroba.core.tests.factories import HubFactory
from hiroba.programs import queries
from hiroba.programs.choices import EntryStatus
from hiroba.programs.models import Entry
from hiroba.programs.tests.factories import program

from .conftest import make_family, sign_in_as

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(requests) -> list:
    """Run each ``request()`` in its own thread (its own connection), started together."""
    start = threading.Barrier(len(requests))
    answers: list = [None] * len(requests)

    def run(index, request):
        try:
            start.wait(timeout=5)
            answers[index] = request()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def _poster(client, prog, household, key):
    url = reverse("portal:program-apply", kwargs={"program_id": prog.pk})
    data = {"members": [m.pk for m in household.members.all()], "idempotency_key": key}
    return lambda: client.post(url, data)


def test_the_same_form_sent_twice_at_once_makes_one_entry():
    prog = program(HubFactory(), capacity_families=5)
    household = make_family(prog.hub, "hana")
    client = sign_in_as(Client(), household)
    key = "a3c1f2de-0000-4000-8000-000000000001"
    answers = _at_once([_poster(client, prog, household, key) for _ in range(2)])
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert Entry.objects.count() == 1
    assert queries.invariant_violations(prog).ok


def test_families_racing_for_the_last_seats():
    prog = program(HubFactory(), capacity_families=2)
    families = [make_family(prog.hub, f"f{i}") for i in range(6)]
    posters = [
        _poster(sign_in_as(Client(), h), prog, h, f"key-{i:04d}-rush")
        for i, h in enumerate(families)
    ]
    answers = _at_once(posters)
    assert [a.status_code for a in answers] == [303] * 6
    statuses = sorted(Entry.objects.values_list("status", flat=True))
    assert statuses == [EntryStatus.CONFIRMED] * 2 + [EntryStatus.WAITLISTED] * 4
    positions = sorted(
        queries.waitlist_position(e) for e in Entry.objects.filter(status="waitlisted")
    )
    assert positions == [1, 2, 3, 4]
    assert queries.invariant_violations(prog).ok
