"""Requests and matching through the services: taking a request, ranking the branch's
providers from the database, the contact log, introducing one provider, never twice."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from hiroba.accounts.choices import Role
from hiroba.core.models import AuditLog, TownBlock
from hiroba.core.tests.factories import DistrictFactory
from hiroba.families.choices import Relation
from hiroba.families.tests.factories import AT_NOON, caregiver, child
from hiroba.kosapo import request_services
from hiroba.kosapo.choices import (
    ContactResponse,
    MemberKind,
    RequestKind,
    RequestPattern,
    RequestStatus,
    TrainingItem,
)
from hiroba.kosapo.errors import KosapoError
from hiroba.kosapo.models import ProviderContact, ProviderTraining
from hiroba.kosapo.request_queries import candidates_for
from hiroba.kosapo.tests.factories import ask, member, provider, resident_family

pytestmark = [pytest.mark.django_db, AT_NOON]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def user_member(world):
    return member(world.a.hub, MemberKind.USER, activate=True)


def _codes(call):
    with pytest.raises(KosapoError) as refused:
        call()
    return refused.value.code


def test_a_request_is_taken_for_the_family_children(world, user_member):
    taken = ask(user_member, actor=world.a.person(Role.KOSAPO_COORDINATOR))
    assert taken.status == RequestStatus.RECEIVED
    assert taken.last_on == taken.first_on == date(2026, 12, 7)
    assert list(taken.children.all()) == list(user_member.household.members.children())
    assert AuditLog.objects.filter(
        action="kosapo.request.created", object_id=str(taken.pk)
    ).exists()


@pytest.mark.parametrize(
    ("details", "code"),
    [
        ({"ends": time(8, 0)}, "times_order"),
        ({"first_on": date(2026, 11, 19)}, "request_in_past"),
        ({"pattern": RequestPattern.WEEKLY, "last_on": date(2027, 3, 1)}, "weekdays_needed"),
        (
            {"pattern": RequestPattern.WEEKLY, "weekdays": "5", "last_on": date(2026, 12, 11)},
            "no_dates",
        ),
        ({"first_on": date(2027, 4, 5)}, "beyond_membership"),
        ({"care_place": ""}, "care_place_needed"),
        ({"kind": RequestKind.ESCORT, "escort_from": "自宅"}, "escort_places_needed"),
    ],
)
def test_a_request_that_does_not_add_up_is_refused_and_nothing_saved(user_member, details, code):
    assert _codes(lambda: ask(user_member, **details)) == code
    assert not user_member.requests.exists()


def test_children_must_be_of_the_family_and_of_kosapo_age(world, user_member):
    other = resident_family(world.a.hub)
    assert _codes(lambda: ask(user_member, children=[])) == "no_children"
    assert _codes(lambda: ask(user_member, children=list(other.members.children()))) == (
        "child_not_in_family"
    )
    toddler_and_newborn = resident_family(
        world.a.hub,
        caregiver(),
        child("陽", birth_date=date(2025, 5, 1)),
        child("凪", birth_date=date(2026, 11, 10)),
    )
    parent = member(world.a.hub, MemberKind.USER, household=toddler_and_newborn, activate=True)
    newborn = toddler_and_newborn.members.get(given_name="凪")
    assert _codes(lambda: ask(parent, children=[newborn])) == "child_not_eligible"
    # From 57 days old (2027-01-06) the baby may be cared for.
    assert ask(parent, children=[newborn], first_on=date(2027, 1, 6)).children.get() == newborn


def test_a_provisional_member_or_a_provider_cannot_ask(world):
    provisional = member(world.a.hub, MemberKind.USER)
    assert _codes(lambda: ask(provisional)) == "member_not_registered"
    helper = provider(world.a.hub)
    assert _codes(lambda: ask(helper, children=[])) == "not_a_user_member"


def test_candidates_rank_the_branch_providers_and_explain_the_others(world, user_member):
    ready = provider(world.a.hub)
    evenings = provider(world.a.hub, weekly=[(0, time(17), time(21))])
    lapsed = provider(world.a.hub)
    ProviderTraining.objects.filter(member=lapsed, item=TrainingItem.LIFE_SAVING).update(
        completed_on=date(2020, 1, 1)
    )
    provider(world.b.hub)  # another branch: never listed
    request = ask(user_member)
    ranking = candidates_for(request)
    assert [r.provider.member_id for r in ranking.offered] == [ready.pk]
    reasons = {r.provider.member_id: r.exclusions for r in ranking.not_offered}
    assert set(reasons) == {evenings.pk, lapsed.pk}
    assert "not available at these times" in reasons[evenings.pk]
    assert any("life-saving" in text for text in reasons[lapsed.pk])


def test_distance_comes_from_the_two_town_blocks(world, user_member):
    district = DistrictFactory(ward=world.a.ward)
    near_block = TownBlock.objects.create(
        ward=world.a.ward,
        district=district,
        key="本町1丁目",
        latitude=Decimal("35.44900"),
        longitude=Decimal("139.63800"),
    )
    home_block = TownBlock.objects.create(
        ward=world.a.ward,
        district=district,
        key="本町2丁目",
        latitude=Decimal("35.44400"),
        longitude=Decimal("139.63800"),
    )
    user_member.household.town_block = home_block
    user_member.household.save(update_fields=["town_block"])
    helper = provider(world.a.hub)
    helper.household.town_block = near_block
    helper.household.save(update_fields=["town_block"])
    [only] = candidates_for(ask(user_member)).offered
    assert only.provider.member_id == helper.pk
    assert only.distance_km == pytest.approx(0.556, abs=0.005)


def test_ranking_costs_the_same_queries_for_more_providers(world, user_member):
    request = ask(user_member)
    provider(world.a.hub)
    candidates_for(request)  # loads the request's own family once
    with CaptureQueriesContext(connection) as few:
        candidates_for(request)
    for _ in range(4):
        provider(world.a.hub)
    with CaptureQueriesContext(connection) as many:
        ranking = candidates_for(request)
    assert len(ranking.offered) == 5
    assert len(many.captured_queries) == len(few.captured_queries) <= 10


def test_contacts_are_logged_and_a_refusal_needs_a_reason(world, user_member):
    request = ask(user_member)
    helper = provider(world.a.hub)
    coordinator = world.a.person(Role.KOSAPO_COORDINATOR)
    assert (
        _codes(
            lambda: request_services.record_contact(
                request, helper, response=ContactResponse.NO, actor=coordinator
            )
        )
        == "contact_reason_needed"
    )
    request_services.record_contact(
        request, helper, response=ContactResponse.PENDING, reason="夫に確認", actor=coordinator
    )
    [judged] = candidates_for(request).offered
    assert "answer pending: 夫に確認" in judged.warnings
    request.refresh_from_db()
    assert request.status == RequestStatus.ARRANGING
    assert request.revision == 1  # a logged call does not make a coordinator's page stale
    assert ProviderContact.objects.get().reason == "夫に確認"


def test_introducing_a_provider_is_compare_and_set(world, user_member):
    request = ask(user_member)
    first, second = provider(world.a.hub), provider(world.a.hub)
    coordinator = world.a.person(Role.KOSAPO_COORDINATOR)
    done = request_services.introduce_provider(
        request, first, actor=coordinator, expected_revision=request.revision
    )
    assert (done.status, done.provider_id, done.introduced_on) == (
        RequestStatus.INTRODUCED,
        first.pk,
        date(2026, 11, 20),
    )
    assert ProviderContact.objects.get(provider=first).response == ContactResponse.YES
    # A colleague working from the page as it was before: refused, nothing changed.
    assert (
        _codes(
            lambda: request_services.introduce_provider(
                request, second, actor=coordinator, expected_revision=request.revision
            )
        )
        == "stale"
    )
    assert (
        _codes(lambda: request_services.introduce_provider(request, second, actor=coordinator))
        == "request_closed"
    )
    done.refresh_from_db()
    assert done.provider_id == first.pk


def test_a_provider_is_never_booked_twice_at_the_same_time(world, user_member):
    helper = provider(world.a.hub)
    other_family = member(world.a.hub, MemberKind.USER, activate=True)
    school_run = ask(
        user_member,
        kind=RequestKind.ESCORT,
        pattern=RequestPattern.WEEKLY,
        weekdays="024",
        first_on=date(2026, 12, 1),
        last_on=date(2027, 3, 19),
        starts=time(7, 30),
        ends=time(8, 15),
        escort_from="自宅",
        escort_to="本町小学校",
        care_place="",
    )
    request_services.introduce_provider(school_run, helper, actor=None)
    clash = ask(other_family, first_on=date(2026, 12, 9), starts=time(8), ends=time(9))
    code = _codes(lambda: request_services.introduce_provider(clash, helper, actor=None))
    assert code == "provider_double_booked"
    ranking = candidates_for(clash)
    assert any("already booked" in t for r in ranking.not_offered for t in r.exclusions)
    after = ask(other_family, first_on=date(2026, 12, 9), starts=time(8, 15), ends=time(9))
    assert request_services.introduce_provider(after, helper, actor=None).provider_id == helper.pk


def test_a_lapsed_or_declining_provider_cannot_be_introduced(world, user_member):
    request = ask(user_member)
    lapsed = provider(world.a.hub)
    ProviderTraining.objects.filter(member=lapsed, item=TrainingItem.ACCIDENT_PREVENTION).delete()
    assert _codes(lambda: request_services.introduce_provider(request, lapsed, actor=None)) == (
        "provider_blocked"
    )
    declined = provider(world.a.hub)
    request_services.record_contact(
        request, declined, response=ContactResponse.NO, reason="仕事", actor=None
    )
    assert _codes(lambda: request_services.introduce_provider(request, declined, actor=None)) == (
        "provider_declined"
    )
    assert (
        _codes(
            lambda: request_services.introduce_provider(request, provider(world.b.hub), actor=None)
        )
        == "provider_elsewhere"
    )


def test_a_withdrawn_introduction_goes_back_to_arranging(world, user_member):
    request = ask(user_member)
    helper = provider(world.a.hub)
    request_services.introduce_provider(request, helper, actor=None)
    back = request_services.withdraw_introduction(request, reason="体調不良", actor=None)
    assert (back.status, back.provider_id) == (RequestStatus.ARRANGING, None)
    [judged] = candidates_for(back).not_offered
    assert judged.provider.member_id == helper.pk
    assert "said no: 体調不良" in judged.exclusions


def test_a_provider_of_the_same_family_is_never_a_candidate(world):
    household = resident_family(
        world.a.hub,
        caregiver(),
        caregiver(
            "山田", "一郎", "ヤマダ", "イチロウ", Relation.FATHER, birth_date=date(1980, 1, 1)
        ),
        child(),
    )
    mother, dad = household.members.caregivers().order_by("sort_order")
    user_member = member(world.a.hub, household=household, person=mother, activate=True)
    father = provider(world.a.hub, household=household, person=dad)
    request = ask(user_member)
    ranking = candidates_for(request)
    assert father.pk not in {r.provider.member_id for r in ranking.offered + ranking.not_offered}
    code = _codes(lambda: request_services.introduce_provider(request, father, actor=None))
    assert code == "provider_is_requester"


def test_closing_an_introduced_request_as_not_matched_frees_the_provider(world, user_member):
    request = ask(user_member)
    helper = provider(world.a.hub)
    request_services.introduce_provider(request, helper, actor=None)
    closed = request_services.end_request(
        request, status=RequestStatus.UNMATCHED, reason="日程が合わず", actor=None
    )
    assert (closed.status, closed.provider_id, closed.introduced_on) == (
        RequestStatus.UNMATCHED,
        None,
        None,
    )


def test_a_weekly_request_cannot_run_past_the_end_of_6th_grade(world):
    sixth_grader = resident_family(
        world.a.hub, caregiver(), child("翔", birth_date=date(2014, 6, 1))
    )
    parent = member(world.a.hub, MemberKind.USER, household=sixth_grader, activate=True)
    parent.expires_on = date(2027, 6, 30)  # as if renewed; the child leaves Kosapo on 3/31
    parent.save(update_fields=["expires_on"])
    code = _codes(
        lambda: ask(parent, pattern=RequestPattern.WEEKLY, weekdays="0", last_on=date(2027, 4, 26))
    )
    assert code == "child_not_eligible"
    assert ask(parent, pattern=RequestPattern.WEEKLY, weekdays="0", last_on=date(2027, 3, 29))
