"""The demo 子サポ branch: user members with coupons, trained providers, one in training, one
whose safety course has lapsed, applicants waiting and a suspended member."""

from __future__ import annotations

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from hiroba.kosapo import eligibility, services
from hiroba.kosapo.choices import MemberKind, MemberStatus, RequestReason, RequestStatus
from hiroba.kosapo.demo import PROVIDERS, USERS
from hiroba.kosapo.models import CareRequest, CouponLedgerEntry, KosapoMember, ProviderProfile
from hiroba.kosapo.request_queries import candidates_for
from hiroba.testing.plugin import DEMO_BASE

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-20T13:00:00+09:00", tick=False)
def test_the_demo_branch_has_members_at_every_stage(demo_steps):
    demo_steps(*DEMO_BASE, "kosapo.members")
    call_command("seed_demo", "--quiet-logins")
    users = KosapoMember.objects.filter(kind=MemberKind.USER)
    providers = KosapoMember.objects.filter(kind=MemberKind.PROVIDER)
    assert (users.count(), providers.count()) == (USERS, len(PROVIDERS))
    assert users.filter(status=MemberStatus.PROVISIONAL).count() == 2
    assert users.filter(status=MemberStatus.SUSPENDED).count() == 1
    assert CouponLedgerEntry.objects.exists()
    today = timezone.localdate()
    offered = [
        m
        for m in providers
        if not eligibility.matching_blockers(m, services.provider_training(m, today))
    ]
    assert len(offered) == 6
    lapsed = providers.get(person__family_name="清水")
    assert lapsed.status == MemberStatus.ACTIVE
    assert not services.provider_training(lapsed, today).safety_valid
    assert providers.get(person__family_name="森").status == MemberStatus.PROVISIONAL


@time_machine.travel("2026-11-20T13:00:00+09:00", tick=False)
def test_the_demo_branch_has_requests_being_matched(demo_steps):
    demo_steps(*DEMO_BASE, "kosapo.members", "kosapo.requests")
    call_command("seed_demo", "--quiet-logins")
    assert ProviderProfile.objects.count() == 7
    assert sorted(CareRequest.objects.values_list("status", flat=True)) == sorted(
        [
            RequestStatus.RECEIVED,
            RequestStatus.ARRANGING,
            RequestStatus.INTRODUCED,
            RequestStatus.UNMATCHED,
        ]
    )
    assert CareRequest.objects.get(status=RequestStatus.INTRODUCED).provider.person.family_name == (
        "木村"
    )
    school_run = CareRequest.objects.get(reason=RequestReason.SCHOOL_ESCORT)
    ranking = candidates_for(school_run)
    # Only 佐々木 (mornings, on foot) and 林 (mornings, by car) can do the school run; the
    # lapsed 清水 is listed with the reason.
    offered = {r.provider.name.split()[0] for r in ranking.offered}
    assert offered <= {"佐々木", "林"} and offered
    assert any(r.provider.name.startswith("清水") for r in ranking.not_offered)
    # Every demo town block has a point, so distances are shown.
    assert all(r.distance_km is not None for r in ranking.offered)
