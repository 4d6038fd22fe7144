"""Introducing providers under concurrency (PostgreSQL): two coordinators on one request, and
one provider wanted by two requests at the same time. First the race without the guards, then
the service with its locks."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from hiroba.consultations.tests.test_concurrency import _in_threads
from hiroba.kosapo import request_services
from hiroba.kosapo.choices import COMMITTED_REQUEST_STATUSES, MemberKind, RequestStatus
from hiroba.kosapo.errors import KosapoError
from hiroba.kosapo.models import CareRequest
from hiroba.kosapo.request_queries import clashing_commitment
from hiroba.kosapo.tests.factories import ask, member, provider

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
COORDINATORS = 6


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _turns(items):
    items, lock = iter(items), threading.Lock()

    def take():
        with lock:
            return next(items)

    return take


def test_without_the_guard_one_provider_is_booked_twice(world):
    helper = provider(world.a.hub)
    requests = [ask(member(world.a.hub, MemberKind.USER, activate=True)) for _ in range(2)]
    take = _turns(requests)
    barrier = threading.Barrier(2)

    def naive():
        care_request = take()
        with transaction.atomic():
            free = not clashing_commitment(care_request, helper)
            barrier.wait()  # both have looked before either writes
            if not free:
                return "busy"
            CareRequest.objects.filter(pk=care_request.pk).update(
                provider=helper, status=RequestStatus.INTRODUCED
            )
            return "introduced"

    assert _in_threads(naive, 2) == ["introduced", "introduced"]
    booked = CareRequest.objects.filter(provider=helper, status__in=COMMITTED_REQUEST_STATUSES)
    assert booked.count() == 2  # the same Monday morning, twice


def test_one_provider_wanted_by_many_requests_at_once_is_introduced_once(world):
    helper = provider(world.a.hub)
    requests = [
        ask(member(world.a.hub, MemberKind.USER, activate=True)) for _ in range(COORDINATORS)
    ]
    take = _turns(requests)

    outcomes = _in_threads(
        lambda: request_services.introduce_provider(take(), helper, actor=None), COORDINATORS
    )
    introduced = [o for o in outcomes if isinstance(o, CareRequest)]
    refused = [o for o in outcomes if isinstance(o, KosapoError)]
    assert len(introduced) == 1, outcomes
    assert [e.code for e in refused] == ["provider_double_booked"] * (COORDINATORS - 1)
    assert CareRequest.objects.filter(provider=helper).count() == 1


def test_two_coordinators_introducing_on_one_request_one_wins(world):
    care_request = ask(member(world.a.hub, MemberKind.USER, activate=True))
    helpers = _turns([provider(world.a.hub) for _ in range(COORDINATORS)])
    revision = care_request.revision

    outcomes = _in_threads(
        lambda: request_services.introduce_provider(
            care_request, helpers(), actor=None, expected_revision=revision
        ),
        COORDINATORS,
    )
    introduced = [o for o in outcomes if isinstance(o, CareRequest)]
    refused = [o for o in outcomes if isinstance(o, KosapoError)]
    assert len(introduced) == 1, outcomes
    assert {e.code for e in refused} == {"stale"}
    care_request.refresh_from_db()
    assert care_request.provider_id == introduced[0].provider_id
    assert care_request.revision == revision + 1
