"""Support cases when a family card is merged or anonymised (families hooks): cases follow the
kept card; anonymising closes open cases, wipes their text and unlinks the card, keeping the
coded columns for the statistics."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hiroba.accounts.choices import Role
from hiroba.consultations.tests.factories import consultation
from hiroba.core.models import AuditLog
from hiroba.families import hooks, merging
from hiroba.families.services import anonymise_household
from hiroba.families.tests.factories import family
from hiroba.support import case_services as services
from hiroba.support.choices import ClosureReason, LinkageStatus
from hiroba.support.errors import SupportError
from hiroba.support.family_hooks import last_case_day
from hiroba.support.tests.case_factories import (
    linkage,
    plan_item,
    support_case,
    warm_linkage_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(world):
    return world.a.person(Role.USER_SUPPORT)


def test_cases_follow_a_merged_card(world, partner):
    kept, merged = family(world.a.hub), family(world.a.hub)
    case = support_case(world.a.hub, actor=partner, household=merged)
    merging.merge_households(kept, merged, actor=partner)
    case.refresh_from_db()
    assert case.household == kept


def test_anonymising_closes_open_cases_and_wipes_their_text(world, partner):
    household = family(world.a.hub)
    today = timezone.localdate()
    open_case = support_case(
        world.a.hub,
        actor=partner,
        household=household,
        consultations=[consultation(world.a.hub, actor=partner)],
    )
    plan_item(open_case, actor=partner)
    link = services.add_linkage(open_case, warm_linkage_data(), actor=partner)
    services.move_linkage(link, LinkageStatus.CONTACTED, result_note="結果", actor=partner)
    old_case = support_case(
        world.a.hub, actor=partner, household=household, opened_on=today - timedelta(days=90)
    )
    services.close_case(
        old_case, ClosureReason.NEEDS_MET, closed_on=today, note="終結の記録", actor=partner
    )
    other = support_case(world.a.hub, actor=partner, household=family(world.a.hub))
    anonymise_household(household, actor=partner)
    open_case.refresh_from_db()
    old_case.refresh_from_db()
    other.refresh_from_db()
    assert (open_case.status, open_case.closure_reason, open_case.closed_on) == (
        "closed",
        ClosureReason.ANONYMISED,
        today,
    )
    assert old_case.closure_reason == ClosureReason.NEEDS_MET  # as it was closed
    for case in (open_case, old_case):
        assert (case.household, case.needs, case.closure_note) == (None, "", "")
        assert not case.consultations.exists()
        assert case.need_topics.exists()  # coded: kept for the statistics
    assert [item.text for item in open_case.plan_items.all()] == [""]
    link.refresh_from_db()
    assert (link.handover_note, link.result_note, link.service_kind) == ("", "", "ward_health")
    assert other.status == "open" and other.needs  # another family's case is untouched
    assert AuditLog.objects.filter(
        action="support.case.closed", object_id=str(open_case.pk)
    ).exists()
    with pytest.raises(SupportError) as refused:
        services.reopen_case(open_case, actor=partner)
    assert refused.value.code == "case_anonymised"


def test_a_card_with_cases_is_in_use_and_its_cases_count_as_activity(world, partner):
    household = family(world.a.hub)
    assert not hooks.in_use(household)
    opened = timezone.localdate() - timedelta(days=400)
    case = support_case(world.a.hub, actor=partner, household=household, opened_on=opened)
    linkage(case, actor=partner)
    assert hooks.in_use(household)
    assert hooks.latest_activity(household) >= opened
    services.close_case(
        case, ClosureReason.MOVED, closed_on=opened + timedelta(days=30), actor=partner
    )
    assert last_case_day(household) == opened + timedelta(days=30)
