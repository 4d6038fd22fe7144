"""The pre-registration rate limit: slots per address and hour, taken atomically, so parallel
submissions never get past the limit; a submission that created no card gives its slot back."""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.core.cache import cache
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from hiroba.core.tests.factories import HubFactory
from hiroba.families.models import Household
from hiroba.portal import services
from hiroba.portal.tests.test_registration import _form

IP = "192.0.2.10"
THREADS = 12


@pytest.fixture(autouse=True)
def _clean_cache_at_noon(settings):
    settings.HIROBA_PORTAL_REGISTRATIONS_PER_HOUR = 3
    cache.clear()
    with time_machine.travel("2026-11-20T12:00:00+09:00", tick=False):
        yield
    cache.clear()


def _taken(ip: str = IP) -> int:
    return services.registrations_taken(ip)


def _all_at_once(func, count: int = THREADS) -> list:
    """Run ``func`` in ``count`` threads released together; their results in any order."""
    start = threading.Barrier(count)
    results = []

    def run():
        start.wait(timeout=10)
        results.append(func())

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_each_submission_takes_a_slot_until_the_hour_is_used_up():
    assert [services.reserve_registration(IP) for _ in range(4)] == [True, True, True, False]
    assert _taken() == 3  # the refused one took nothing
    assert services.reserve_registration("192.0.2.99")  # another address has its own slots
    with time_machine.travel("2026-11-20T13:00:00+09:00", tick=False):
        assert services.reserve_registration(IP)  # a new hour


def test_parallel_submissions_never_get_past_the_limit():
    outcomes = _all_at_once(lambda: services.reserve_registration(IP))
    assert sorted(outcomes) == [False] * (THREADS - 3) + [True] * 3
    assert _taken() == 3


def test_the_views_check_takes_the_slot_itself():
    """``registrations_exhausted`` is what the register view calls: checking and counting in
    one step is what keeps parallel requests under the limit."""
    outcomes = _all_at_once(lambda: services.registrations_exhausted(IP))
    assert outcomes.count(False) == 3
    assert _taken() == 3


def test_a_slot_given_back_can_be_taken_again():
    for _ in range(3):
        services.reserve_registration(IP)
    services.release_registration(IP)
    assert _taken() == 2
    assert services.reserve_registration(IP)
    assert not services.reserve_registration(IP)


def test_parallel_releases_free_one_slot_each_and_never_more_than_were_taken():
    for _ in range(3):
        services.reserve_registration(IP)
    _all_at_once(lambda: services.release_registration(IP), count=2)
    assert _taken() == 1
    _all_at_once(lambda: services.release_registration(IP), count=5)
    assert _taken() == 0
    assert [services.reserve_registration(IP) for _ in range(4)] == [True, True, True, False]


# -- through the page ------------------------------------------------------------------------------
URL = reverse("portal:register")


@pytest.mark.django_db
def test_the_page_refuses_once_the_slots_are_taken(client):
    hub = HubFactory()
    for n in range(3):
        assert client.post(URL, _form(hub, key=f"key-{n}" * 4), REMOTE_ADDR=IP).status_code == 302
    assert client.post(URL, _form(hub, key="key-3" * 4), REMOTE_ADDR=IP).status_code == 429
    assert Household.objects.count() == 3


@pytest.mark.django_db
def test_a_form_with_mistakes_gives_its_slot_back(client):
    hub = HubFactory()
    for n in range(3):
        mistake = client.post(URL, _form(hub, key=f"bad-{n}" * 4, phone="12"), REMOTE_ADDR=IP)
        assert mistake.status_code == 200 and not Household.objects.exists()
    assert client.post(URL, _form(hub, key="good" * 8), REMOTE_ADDR=IP).status_code == 302
    first = client.post(URL, _form(hub, key="tap" * 8), REMOTE_ADDR=IP)
    assert client.post(URL, _form(hub, key="tap" * 8), REMOTE_ADDR=IP).url == first.url
    assert _taken() == 2  # the good one and the first tap


# -- the database cache (production with several app servers) ------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_cache_keeps_the_limit_under_parallel_submissions(monkeypatch):
    call_command("createcachetable", "hiroba_test_rate_limit", verbosity=0)
    shared = DatabaseCache("hiroba_test_rate_limit", {})
    monkeypatch.setattr(services, "cache", shared)
    shared.clear()

    def reserve():
        try:
            return services.reserve_registration(IP)
        finally:
            connection.close()

    try:
        outcomes = _all_at_once(reserve)
        assert sorted(outcomes) == [False] * (THREADS - 3) + [True] * 3
        assert _taken() == 3
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE hiroba_test_rate_limit")
