"""Registering families through the service: card numbers, search keys, district, consent."""

from __future__ import annotations

from datetime import date

import pytest

from hiroba.core.tests.factories import TownBlockFactory
from hiroba.families import queries, services
from hiroba.families.choices import (
    ConsentAction,
    ConsentPurpose,
    HouseholdStatus,
    MemberKind,
    RegistrationSource,
)
from hiroba.families.models import Household, Member
from hiroba.families.services import HouseholdData, RegistryError
from hiroba.families.tests.factories import caregiver, child, family

pytestmark = pytest.mark.django_db


def test_card_numbers_count_up_per_registry_and_skip_imported_numbers(world):
    first = family(world.a.hub)
    data = HouseholdData(members=[caregiver()])
    services.register_household(
        world.a.hub, data, actor=None, source=RegistrationSource.IMPORT, card_number="000002"
    )
    third = family(world.a.satellite)  # a satellite registers into its main hub's registry
    other_city = family(world.b.hub)
    assert (first.card_number, third.card_number) == ("000001", "000003")
    assert third.hub == world.a.hub
    assert other_city.card_number == "000001"
    assert len({first.card_token, third.card_token, other_city.card_token}) == 3
    assert queries.CARD_TOKEN_PATTERN.match(first.card_token)


def test_search_keys_are_tolerant_of_script_and_romaji(world):
    household = family(world.a.hub, caregiver("佐藤", "優子", "さとう", "ゆうこ"))
    mother = household.members.get()
    assert (mother.search_key, mother.given_search_key) == ("さとゆこ", "ゆこ")
    for typed in ("サトウ", "ｻﾄｰ", "satou", "sato yuko", "ゆうこ", "Yuuko"):
        assert queries.search_households(world.a.hub, typed) == [household], typed
    assert queries.search_households(world.b.hub, "さとう") == []


def test_search_by_phone_card_number_and_qr_code(world):
    household = family(world.a.hub, caregiver(phone="09012345678"), child())
    assert queries.search_households(world.a.hub, "０９０－１２３４") == [household]
    assert queries.search_households(world.a.hub, "1") == [household]
    assert queries.search_households(world.a.hub, household.card_token.lower()) == [household]
    assert queries.search_households(world.a.satellite, household.card_token) == [household]
    assert queries.search_households(world.b.hub, household.card_token) == []


def test_district_comes_from_the_town_block_mapping(world):
    block = TownBlockFactory(ward=world.a.ward, district__ward=world.a.ward, key="さくら台2丁目")
    region = f"神奈川県{world.a.municipality.name}{world.a.ward.name}さくら台"
    household = family(world.a.hub, address_region=region, address_rest="2-3-4")
    assert (household.town_block, household.district) == (block, block.district)
    services.update_household(household, actor=None, address_rest="5-1")
    household.refresh_from_db()
    assert household.district is None


def test_a_family_needs_a_caregiver_and_children_need_a_date(world):
    with pytest.raises(RegistryError) as error:
        services.register_household(world.a.hub, HouseholdData(members=[child()]), actor=None)
    assert error.value.code == "family_needs_caregiver"
    undated = child(birth_date=None)
    with pytest.raises(RegistryError) as error:
        services.register_household(
            world.a.hub, HouseholdData(members=[caregiver(), undated]), actor=None
        )
    assert error.value.code == "child_needs_birth_or_due_date"
    assert Household.objects.count() == Member.objects.count() == 0  # nothing half-saved


def test_consent_withdrawal_is_kept_as_history(world, english):
    household = family(
        world.a.hub, consents={ConsentPurpose.VISIT_RECORDS: True, ConsentPurpose.PHOTOS: True}
    )
    assert queries.has_consent(household, ConsentPurpose.PHOTOS)
    services.record_consent(
        household, ConsentPurpose.PHOTOS, ConsentAction.WITHDRAWN, actor=world.a.person("hub_staff")
    )
    assert not queries.has_consent(household, ConsentPurpose.PHOTOS)
    assert queries.has_consent(household, ConsentPurpose.VISIT_RECORDS)
    history = list(household.consent_events.filter(purpose=ConsentPurpose.PHOTOS))
    assert [e.action for e in history] == [ConsentAction.WITHDRAWN, ConsentAction.GRANTED]
    assert queries.consent_state(household)[ConsentPurpose.SURVEY_CONTACT] is None


def test_pre_registration_is_confirmed_once(world):
    household = family(world.a.hub, status=HouseholdStatus.PENDING)
    assert household.registered_on is None
    services.confirm_registration(household, actor=None, on=date(2026, 11, 20))
    assert (household.status, household.registered_on) == ("active", date(2026, 11, 20))
    with pytest.raises(RegistryError):
        services.confirm_registration(household, actor=None)


def test_reissued_card_invalidates_the_old_code(world):
    household = family(world.a.hub)
    old = household.card_token
    services.reissue_card(household, actor=None)
    assert queries.household_by_card_token(world.a.hub, old) is None
    assert queries.household_by_card_token(world.a.hub, household.card_token) == household


def test_a_caregiver_who_leaves_is_kept_but_the_last_one_cannot_leave(world):
    household = family(world.a.hub)
    mother = household.members.get(kind=MemberKind.CAREGIVER)
    with pytest.raises(RegistryError):
        services.member_left(mother, actor=None)
    father = services.add_member(
        household, caregiver("山田", "一郎", "ヤマダ", "イチロウ", relation="father"), actor=None
    )
    services.member_left(mother, actor=None)
    assert list(household.members.present().caregivers()) == [father]
    assert household.members.count() == 3
