"""Two staff on one directory entry at once (PostgreSQL). First the lost update without the
guard, then the service: the entry row is locked and its revision compared, so one correction
wins and the others are told their page is out of date; and a suggestion approved twice at
once makes one entry, not two."""

from __future__ import annotations

import pytest

from hiroba.consultations.tests.test_concurrency import _in_threads
from hiroba.directory import services
from hiroba.directory.models import Resource
from hiroba.directory.tests.factories import resource
from hiroba.testing.races import one_each, unguarded_compare_and_set

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
EDITORS = 4


def _hours():
    return one_each(f"{9 + n}:00〜17:00" for n in range(EDITORS))


def test_without_the_guard_one_correction_overwrites_another_unseen(world):
    entry = resource(world.a.hub)
    outcomes = unguarded_compare_and_set(Resource, entry.pk, "hours", _hours(), _in_threads)
    assert "stale" not in outcomes  # both believed they saved
    assert Resource.objects.get(pk=entry.pk).hours in outcomes  # one correction silently lost


def test_with_the_guard_one_correction_wins_and_the_others_are_stale(world):
    entry = resource(world.a.hub)
    take = _hours()

    def save():
        return services.update_resource(
            Resource.objects.get(pk=entry.pk), actor=None, revision=1, hours=take()
        )

    outcomes = _in_threads(save, EDITORS)
    saved = [o for o in outcomes if isinstance(o, Resource)]
    refused = [o for o in outcomes if isinstance(o, services.DirectoryError)]
    assert len(saved) == 1 and len(refused) == EDITORS - 1, outcomes
    stored = Resource.objects.get(pk=entry.pk)
    assert stored.hours == saved[0].hours and stored.revision == 2


def test_a_suggestion_approved_twice_at_once_makes_one_entry(world):
    suggestion = services.suggest_resource(
        world.a.hub, proposed={"name": "大倉山公園"}, submitter_kind="parent"
    )
    values = {"name": "大倉山公園", "category": "park"}

    def approve():
        return services.approve_suggestion(suggestion, actor=None, values=values)

    outcomes = _in_threads(approve, EDITORS)
    assert sum(isinstance(o, Resource) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, services.DirectoryError) for o in outcomes) == EDITORS - 1
    assert Resource.objects.filter(name="大倉山公園").count() == 1
