"""The demo support cases: a dozen per hub with plans and linkages at every stage, some closed,
follow-ups due this week, ten 地域連携 activities; the same seed gives the same data."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection

from hiroba.accounts.choices import Role
from hiroba.accounts.models import Membership
from hiroba.accounts.tests.factories import MembershipFactory, UserFactory
from hiroba.consultations.choices import AgencyKind
from hiroba.consultations.tests.factories import agency
from hiroba.core.demodata import DemoContext, steps
from hiroba.families.tests.factories import family
from hiroba.support import case_demo
from hiroba.support.models import CommunityActivity, Linkage, SupportCase

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def _context(world, seed: int = 7) -> DemoContext:
    hub = world.a.hub
    for local, role in (("partner", Role.USER_SUPPORT), ("manager", Role.HUB_MANAGER)):
        if not Membership.objects.filter(user__email=f"{local}@example.jp").exists():
            MembershipFactory(user=UserFactory(email=f"{local}@example.jp"), hub=hub, role=role)
    families = [SimpleNamespace(household_id=0)] * 40 + [
        SimpleNamespace(household_id=family(hub).pk) for _ in range(3)
    ]
    ctx = DemoContext(seed=seed, scale=1, today=TODAY, password="x", log=lambda _line: None)
    ctx.shared.update(
        city=world.a.municipality,
        ward=world.a.ward,
        hub=hub,
        satellite=world.a.satellite,
        all_hubs=[hub, world.a.satellite],
        demo_families=families,
    )
    return ctx


def _signature(cases) -> list[tuple]:
    return [
        (
            case.hub_id,
            case.opened_on,
            case.status,
            case.closure_reason,
            case.household_id is not None,
            [(p.due_on, p.done_on) for p in case.plan_items.all()],
            [
                (link.service_kind, link.status, link.warm_handover, link.follow_up_on)
                for link in case.linkages.all()
            ],
        )
        for case in cases
    ]


@time_machine.travel("2026-11-20T13:00:00+09:00", tick=False)
def test_the_demo_step_makes_cases_at_every_stage(world):
    for kind in (AgencyKind.CONCIERGE, AgencyKind.WARD_HEALTH, AgencyKind.KOSAPO):
        agency(world.a, kind=kind, name=str(kind.label))
    assert "support.cases" in {step.name for step in steps()}
    case_demo.seed_cases(_context(world))
    cases = SupportCase.objects.all()
    per_hub = len(case_demo.OPENED_DAYS_AGO)
    assert cases.filter(hub=world.a.hub).count() == cases.filter(hub=world.a.satellite).count()
    assert cases.count() == 2 * per_hub
    assert cases.filter(status="closed").count() == 2 * case_demo.CLOSED_SHARE
    assert cases.filter(household__isnull=False).exists()
    assert cases.filter(household__isnull=True).exists()
    assert all(case.plan_items.exists() and case.linkages.exists() for case in cases)
    statuses = set(Linkage.objects.values_list("status", flat=True))
    assert {"proposed", "connected"} <= statuses
    warm = Linkage.objects.filter(warm_handover=True)
    assert warm.exists() and not warm.filter(consent_given_at__isnull=True).exists()
    assert warm.filter(agency__kind=AgencyKind.WARD_HEALTH).exists()
    week = TODAY + timedelta(days=7)
    due = Linkage.objects.open_follow_ups().filter(case__status="open", follow_up_on__lte=week)
    assert due.exists()
    assert CommunityActivity.objects.filter(hub=world.a.hub).count() == len(case_demo.ACTIVITIES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT needs FROM support_supportcase")
        assert all(raw.startswith("hb1:") for (raw,) in cursor.fetchall())


@time_machine.travel("2026-11-20T13:00:00+09:00", tick=False)
def test_the_same_seed_gives_the_same_cases(world):
    ctx = _context(world)
    case_demo.seed_cases(ctx)
    first = list(SupportCase.objects.order_by("pk"))
    case_demo.seed_cases(_context(world))
    second = list(SupportCase.objects.order_by("pk"))[len(first) :]
    assert _signature(first) == _signature(second)
