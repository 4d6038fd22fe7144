"""Membership: eligibility, numbers, the gates before registration, coupons, renewal."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from hiroba.core.models import AuditLog
from hiroba.families import services as family_services
from hiroba.families.services import MemberData
from hiroba.families.tests.factories import AT_NOON, caregiver, child, family
from hiroba.kosapo import eligibility, services
from hiroba.kosapo.choices import CouponEntry, MemberKind, MemberStatus, TrainingItem
from hiroba.kosapo.errors import KosapoError
from hiroba.kosapo.models import CouponLedgerEntry
from hiroba.kosapo.queries import coupons_left
from hiroba.kosapo.tests.factories import (
    brief,
    member,
    provider_family,
    resident_family,
    train,
)

pytestmark = [pytest.mark.django_db, AT_NOON]


def _register(hub, household, kind=MemberKind.USER):
    return services.register_member(
        hub=hub,
        household=household,
        person=household.members.caregivers().first(),
        kind=kind,
        actor=None,
    )


def test_members_are_numbered_per_branch_and_audited(world):
    first, second = member(world.a.hub), member(world.a.hub)
    assert (first.number, second.number) == ("00001", "00002")
    assert first.status == MemberStatus.PROVISIONAL
    assert AuditLog.objects.filter(action="kosapo.member.registered", object_id=first.pk).exists()


def test_a_satellite_registers_into_its_main_hubs_branch(world):
    household = resident_family(world.a.hub)
    made = _register(world.a.satellite, household)
    assert made.hub == world.a.hub


def test_a_family_outside_the_city_cannot_join(world):
    household = family(world.a.hub, address_region="東京都千代田区")
    with pytest.raises(KosapoError) as refused:
        _register(world.a.hub, household)
    assert refused.value.code == "not_resident"


@pytest.mark.parametrize(
    ("birth", "ok"),
    [
        (date(2026, 9, 24), True),  # 57 days old on 2026-11-20
        (date(2026, 9, 25), False),  # 56 days old
        (date(2014, 4, 2), True),  # 6th grade until 2027-03-31
        (date(2014, 4, 1), False),  # already in junior high
    ],
)
def test_a_user_member_needs_a_child_from_57_days_to_6th_grade(world, birth, ok):
    household = resident_family(world.a.hub, caregiver(), child(birth_date=birth))
    if ok:
        assert _register(world.a.hub, household).kind == MemberKind.USER
    else:
        with pytest.raises(KosapoError) as refused:
            _register(world.a.hub, household)
        assert refused.value.code == "no_eligible_child"


def test_a_provider_must_be_twenty_and_say_when_born(world):
    young = provider_family(world.a.hub, birth_date=date(2006, 11, 21))  # 20 tomorrow
    with pytest.raises(KosapoError) as refused:
        _register(world.a.hub, young, MemberKind.PROVIDER)
    assert refused.value.code == "provider_too_young"
    unknown = provider_family(world.a.hub, birth_date=None)
    with pytest.raises(KosapoError) as refused:
        _register(world.a.hub, unknown, MemberKind.PROVIDER)
    assert refused.value.code == "birth_date_needed"
    adult = provider_family(world.a.hub, date(2006, 11, 20))  # 20 today
    assert _register(world.a.hub, adult, MemberKind.PROVIDER).pk


def test_a_person_holds_one_current_membership(world):
    made = member(world.a.hub)
    with pytest.raises(KosapoError) as refused:
        _register(world.a.hub, made.household)
    assert refused.value.params == {"number": made.number}
    services.withdraw_member(made, reason="転居", actor=None)
    assert _register(world.a.hub, made.household).number == "00002"


def test_registration_needs_the_briefing_and_identity_check(world):
    made = member(world.a.hub)
    with pytest.raises(KosapoError) as refused:
        services.activate_member(made, actor=None)
    assert refused.value.code == "briefing_needed"
    brief(made)
    active = services.activate_member(made, actor=None)
    assert active.status == MemberStatus.ACTIVE
    assert (active.registered_on, active.expires_on) == (date(2026, 11, 20), date(2027, 3, 31))
    assert active.card_issued_on == date(2026, 11, 20)


def test_a_provider_is_registered_only_when_trained(world):
    made = member(world.a.hub, MemberKind.PROVIDER)
    brief(made)
    with pytest.raises(KosapoError) as refused:
        services.activate_member(made, actor=None)
    assert refused.value.code == "training_incomplete"
    assert "350" in refused.value.message
    train(made)
    assert services.activate_member(made, actor=None).status == MemberStatus.ACTIVE


def test_a_lapsed_safety_course_stops_registration_and_matching(world):
    made = member(world.a.hub, MemberKind.PROVIDER)
    brief(made)
    train(made, safety_on=date(2021, 11, 20))  # valid until 2026-11-19
    with pytest.raises(KosapoError) as refused:
        services.activate_member(made, actor=None)
    assert refused.value.code == "safety_course_lapsed"
    for item in (TrainingItem.LIFE_SAVING, TrainingItem.ACCIDENT_PREVENTION):
        services.record_training(
            made, item=item, minutes=120, completed_on=date(2026, 11, 20), actor=None
        )
    services.activate_member(made, actor=None)
    status = services.provider_training(made, date(2031, 11, 19))
    assert status.safety_valid
    assert not services.provider_training(made, date(2031, 11, 20)).safety_valid


def test_registration_issues_trial_coupons_once_per_child(world):
    household = resident_family(
        world.a.hub,
        caregiver(),
        child("一郎", "イチロウ", date(2023, 3, 31)),
        child("二郎", "ジロウ", date(2024, 6, 1)),
    )
    made = member(world.a.hub, household=household, activate=True)
    assert coupons_left(made) == 8
    # A baby is born later: coupons for the new child only, however often staff press.
    family_services.add_member(
        household,
        MemberData(
            kind="child",
            family_name="山田",
            given_name="三郎",
            family_name_kana="ヤマダ",
            given_name_kana="サブロウ",
            birth_date=date(2026, 10, 1),
        ),
        actor=None,
    )
    assert services.issue_coupons(made, actor=None) == 8
    assert services.issue_coupons(made, actor=None) == 0
    assert coupons_left(made) == 16
    assert CouponLedgerEntry.objects.filter(entry=CouponEntry.ISSUED).count() == 2


def test_renewal_extends_to_the_next_fiscal_year_and_rechecks(world):
    made = member(world.a.hub, activate=True)
    with pytest.raises(KosapoError) as refused:  # too early: the year has four months to go
        services.renew_member(made, actor=None, on=date(2026, 11, 30))
    assert (refused.value.code, refused.value.params) == ("renewal_not_open", {"day": "2027-03-01"})
    renewed = services.renew_member(made, actor=None, on=date(2027, 3, 1))
    assert renewed.expires_on == date(2028, 3, 31)


def test_renewal_checks_the_children_for_the_year_renewed(world):
    household = resident_family(world.a.hub, caregiver(), child(birth_date=date(2014, 4, 2)))
    made = member(world.a.hub, household=household, activate=True)
    # In March the child is still in 6th grade, but from April in junior high: no renewal.
    with pytest.raises(KosapoError) as refused:
        services.renew_member(made, actor=None, on=date(2027, 3, 10))
    assert refused.value.code == "no_eligible_child"
    made.refresh_from_db()
    assert made.expires_on == date(2027, 3, 31)


def test_a_provider_past_the_end_of_the_year_is_not_offered(world):
    made = member(world.a.hub, MemberKind.PROVIDER, activate=True)
    status = services.provider_training(made, date(2027, 3, 31))
    assert eligibility.matching_blockers(made, status) == []
    later = services.provider_training(made, date(2027, 4, 1))
    with translation.override("en"):
        assert eligibility.matching_blockers(made, later) == ["membership expired"]


def test_members_near_their_date_move_to_renewal_due(world):
    made = member(world.a.hub, activate=True)
    assert services.mark_renewals_due(today=date(2027, 2, 28)) == 0
    assert services.mark_renewals_due(today=date(2027, 3, 1)) == 1
    made.refresh_from_db()
    assert made.status == MemberStatus.RENEWAL_DUE
    assert (
        services.renew_member(made, actor=None, on=date(2027, 3, 1)).status == MemberStatus.ACTIVE
    )


def test_suspend_and_resume_need_a_reason_and_keep_the_year(world):
    made = member(world.a.hub, activate=True)
    with pytest.raises(KosapoError):
        services.suspend_member(made, reason="  ", actor=None)
    suspended = services.suspend_member(made, reason="体調不良のため", actor=None)
    assert suspended.status == MemberStatus.SUSPENDED
    with pytest.raises(KosapoError) as refused:  # the first reason is kept
        services.suspend_member(made, reason="別の理由", actor=None)
    assert refused.value.code == "already_suspended"
    resumed = services.reinstate_member(suspended, actor=None)
    assert (resumed.status, resumed.expires_on) == (MemberStatus.ACTIVE, date(2027, 3, 31))


def test_a_stale_page_cannot_overwrite_a_newer_change(world):
    made = member(world.a.hub)
    shown = made.revision
    brief(made)
    with pytest.raises(KosapoError) as refused:
        services.withdraw_member(made, reason="重複登録", actor=None, expected_revision=shown)
    assert refused.value.code == "stale"


def test_training_input_is_checked(world):
    made = member(world.a.hub, MemberKind.PROVIDER)
    with pytest.raises(KosapoError):
        services.record_training(
            made, item=TrainingItem.ONSITE, minutes=0, completed_on=date(2026, 11, 1), actor=None
        )
    with pytest.raises(KosapoError):
        services.record_training(
            made,
            item=TrainingItem.ONSITE,
            minutes=60,
            completed_on=date(2026, 11, 20) + timedelta(days=1),
            actor=None,
        )


def test_the_daily_tick_marks_renewals_once(world):
    made = member(world.a.hub, activate=True)
    out = StringIO()
    call_command("kosapo_tick", "--today", "2027-03-05", stdout=out)
    call_command("kosapo_tick", "--today", "2027-03-06", stdout=StringIO())
    assert "members now due for renewal: 1" in out.getvalue()
    made.refresh_from_db()
    assert made.status == MemberStatus.RENEWAL_DUE
    assert AuditLog.objects.filter(action="kosapo.member.renewals_due").count() == 1
    with pytest.raises(CommandError):
        call_command("kosapo_tick", "--today", "3月5日")
