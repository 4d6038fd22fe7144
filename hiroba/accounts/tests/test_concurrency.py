"""Races on roles, on PostgreSQL (SQLite's IMMEDIATE transactions serialise them anyway).

First the race is shown to exist with the hub lock switched off, then the lock is shown to stop
it (docs/concurrency.md, "Proving it")."""

import contextlib
import threading

import pytest
from django.db import connection

from hiroba.accounts import services
from hiroba.accounts.choices import Role
from hiroba.accounts.models import Membership
from hiroba.accounts.tests.factories import MembershipFactory, UserFactory
from hiroba.core.tests.factories import HubFactory


def _demote_both_at_once(monkeypatch):
    hub = HubFactory()
    managers = [MembershipFactory(hub=hub, role=Role.HUB_MANAGER) for _ in range(2)]
    actor = UserFactory()  # e.g. the city administrator; permission checks are the view's job
    both_checked = threading.Barrier(2)
    check = services._check_keeps_manager

    def check_then_wait(membership):
        check(membership)
        # Hold the transaction open until the other thread has checked too; when the other
        # thread is waiting for our lock instead, the barrier breaks and we go on.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait(timeout=1)

    monkeypatch.setattr(services, "_check_keeps_manager", check_then_wait)
    outcomes = []

    def demote(membership):
        try:
            services.change_role(membership, Role.HUB_STAFF, actor=actor)
            outcomes.append("demoted")
        except services.AccountError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=demote, args=(m,)) for m in managers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    remaining = Membership.objects.filter(hub=hub, role=Role.HUB_MANAGER).count()
    return sorted(outcomes), remaining


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_hub_lock_two_demotions_leave_no_manager(monkeypatch):
    monkeypatch.setattr(services, "_lock_hub", lambda hub_id: None)
    outcomes, remaining = _demote_both_at_once(monkeypatch)
    assert outcomes == ["demoted", "demoted"]
    assert remaining == 0  # the race is real


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_hub_lock_keeps_one_manager(monkeypatch):
    outcomes, remaining = _demote_both_at_once(monkeypatch)
    assert outcomes == ["demoted", "refused"]
    assert remaining == 1
