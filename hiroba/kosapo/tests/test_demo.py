"""The demo 子サポ branch: user members with coupons, trained providers, one in training, one
whose safety course has lapsed, applicants waiting and a suspended member."""

from __future__ import annotations

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from hiroba.kosapo import eligibility, services
from hiroba.kosapo.choices import MemberKind, MemberStatus
from hiroba.kosapo.demo import PROVIDERS, USERS
from hiroba.kosapo.models import CouponLedgerEntry, KosapoMember
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
