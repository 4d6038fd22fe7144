"""Registry services added for the staff pages: editing the address, anonymising a family and
removing an unconfirmed pre-registration."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import TownBlockFactory
from hiroba.families import queries, services
from hiroba.families.choices import (
    ConsentPurpose,
    ContactChannel,
    HouseholdStatus,
    MemberKind,
    Relation,
)
from hiroba.families.models import ConsentEvent, Household, Member
from hiroba.families.services import RegistryError
from hiroba.families.tests.factories import caregiver, child, family

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-20T12:00:00+09:00", tick=False):
        yield


def test_editing_the_address_saves_it(world):
    """update_household used to locate the new address but not save it."""
    household = family(world.a.hub, address_region="神奈川県横浜市", address_rest="1-2")
    changed = services.update_household(
        household, actor=None, address_rest="5-1", postal_code="2250002"
    )
    assert set(changed) == {"address_rest", "postal_code"}
    stored = Household.objects.get(pk=household.pk)
    assert (stored.address_rest, stored.postal_code) == ("5-1", "2250002")
    entry = AuditLog.objects.get(action="families.household.updated")
    assert entry.payload == {"fields": ["address_rest", "postal_code"]}


def test_editing_the_address_moves_the_family_to_the_new_district(world):
    region = f"{world.a.municipality.name}{world.a.ward.name}さくら台"
    two = TownBlockFactory(ward=world.a.ward, district__ward=world.a.ward, key="さくら台2丁目")
    three = TownBlockFactory(ward=world.a.ward, district__ward=world.a.ward, key="さくら台3丁目")
    household = family(world.a.hub, address_region=region, address_rest="2-1")
    assert household.district == two.district
    services.update_household(household, actor=None, address_rest="3-7")
    stored = Household.objects.get(pk=household.pk)
    assert (stored.town_block, stored.district, stored.address_rest) == (
        three,
        three.district,
        "3-7",
    )


def test_editing_other_details_leaves_the_district_alone(world):
    household = family(world.a.hub)
    assert services.update_household(household, actor=None, notes="メモ", language="en") == [
        "language",
        "notes",
    ]
    assert services.update_household(household, actor=None, notes="メモ") == []


# -- anonymisation -----------------------------------------------------------------------------
def _full_family(world):
    block = TownBlockFactory(ward=world.a.ward, district__ward=world.a.ward, key="さくら台2丁目")
    household = family(
        world.a.hub,
        caregiver(phone="09012345678", email="hanako@example.jp"),
        caregiver("山田", "一郎", "ヤマダ", "イチロウ", relation=Relation.FATHER),
        child(birth_date=date(2014, 5, 17)),
        child("", "", None, due_date=date(2015, 8, 20)),
        postal_code="2250002",
        address_region=f"{world.a.municipality.name}{world.a.ward.name}さくら台",
        address_rest="2-3-4 さくらハイツ101",
        notes="卵アレルギー",
        consents={ConsentPurpose.VISIT_RECORDS: True},
    )
    return household, block


def test_anonymising_removes_personal_data_and_keeps_what_statistics_need(world):
    household, block = _full_family(world)
    old_token = household.card_token
    services.anonymise_household(household, actor=None)
    stored = Household.objects.get(pk=household.pk)
    assert stored.status == HouseholdStatus.ANONYMISED
    assert stored.anonymised_at is not None
    assert (stored.postal_code, stored.address_rest, stored.notes) == ("", "", "")
    assert stored.district == block.district  # kept for district statistics
    assert stored.town_block is None
    assert stored.card_token != old_token and queries.CARD_TOKEN_PATTERN.match(stored.card_token)
    for member in Member.objects.filter(household=household):
        assert (member.family_name, member.given_name) == ("", "")
        assert (member.family_name_kana, member.given_name_kana) == ("", "")
        assert (member.search_key, member.given_search_key) == ("", "")
        assert (member.phone, member.email) == ("", "")
    kids = Member.objects.filter(household=household, kind=MemberKind.CHILD).order_by("sort_order")
    assert [k.birth_date for k in kids] == [date(2014, 5, 1), None]
    assert kids[1].due_date == date(2015, 8, 1)
    relations = set(Member.objects.filter(household=household).values_list("relation", flat=True))
    assert relations == {Relation.MOTHER, Relation.FATHER, ""}
    assert ConsentEvent.objects.filter(household=household).count() == 1


def test_anonymised_families_cannot_be_found_or_changed(world):
    household, _ = _full_family(world)
    old_token = household.card_token
    services.anonymise_household(household, actor=None)
    assert queries.search_households(world.a.hub, "やまだ") == []
    assert queries.search_households(world.a.hub, "090-1234") == []
    assert queries.household_by_card_token(world.a.hub, old_token) is None
    household.refresh_from_db()
    with pytest.raises(RegistryError) as error:
        services.update_household(household, actor=None, notes="x")
    assert error.value.code == "household_not_current"
    with pytest.raises(RegistryError) as error:
        services.anonymise_household(household, actor=None)
    assert error.value.code == "household_anonymised"


def test_the_anonymisation_audit_entry_holds_ids_only(world):
    household, _ = _full_family(world)
    services.anonymise_household(household, actor=None)
    entry = AuditLog.objects.get(action="families.household.anonymised")
    text = str(entry.payload) + entry.object_repr
    for secret in ("山田", "ヤマダ", "0901234", "hanako", "さくら", "アレルギー"):
        assert secret not in text
    assert sorted(entry.payload["members"]) == sorted(
        Member.objects.filter(household=household).values_list("pk", flat=True)
    )


# -- unconfirmed pre-registrations -------------------------------------------------------------
def test_removing_an_unconfirmed_pre_registration(world):
    pending = family(world.a.hub, status=HouseholdStatus.PENDING)
    assert services.remove_pending_registration(pending, actor=None) is True
    assert not Household.objects.filter(pk=pending.pk).exists()
    assert not Member.objects.filter(household_id=pending.pk).exists()
    entry = AuditLog.objects.get(action="families.household.pending_removed")
    assert entry.object_id == str(pending.pk)
    assert entry.hub == world.a.hub


def test_a_confirmed_or_merged_registration_is_not_removed(world):
    confirmed = family(world.a.hub, status=HouseholdStatus.PENDING)
    services.confirm_registration(confirmed, actor=None)
    assert services.remove_pending_registration(confirmed, actor=None) is False
    kept = family(world.a.hub, status=HouseholdStatus.PENDING)
    services.merge_households(kept, family(world.a.hub, status=HouseholdStatus.PENDING), actor=None)
    assert services.remove_pending_registration(kept, actor=None) is False
    assert Household.objects.filter(pk__in=[confirmed.pk, kept.pk]).count() == 2


# -- how the family wants to be contacted ------------------------------------------------------
CHANNEL_CHANGED = "families.household.contact_channel_changed"


def test_setting_the_contact_channel_saves_and_audits_it(world):
    household = family(world.a.hub)
    assert household.contact_channel == ContactChannel.EMAIL
    returned = services.set_contact_channel(household, ContactChannel.PHONE, actor=None)
    assert returned is household and household.contact_channel == ContactChannel.PHONE
    assert Household.objects.get(pk=household.pk).contact_channel == ContactChannel.PHONE
    entry = AuditLog.objects.get(action=CHANNEL_CHANGED)
    assert (entry.object_id, entry.actor, entry.payload) == (
        str(household.pk),
        None,  # the parent on the portal
        {"from": "email", "to": "phone"},
    )


def test_setting_the_same_channel_again_writes_nothing(world):
    household = family(world.a.hub)
    services.set_contact_channel(household, ContactChannel.EMAIL, actor=None)
    assert not AuditLog.objects.filter(action=CHANNEL_CHANGED).exists()


def test_the_stored_channel_decides_not_the_callers_copy(world):
    household = family(world.a.hub)
    stale = Household.objects.get(pk=household.pk)
    services.set_contact_channel(household, ContactChannel.PHONE, actor=None)
    services.set_contact_channel(stale, ContactChannel.EMAIL, actor=None)  # stale says "email"
    assert Household.objects.get(pk=household.pk).contact_channel == ContactChannel.EMAIL
    assert AuditLog.objects.filter(action=CHANNEL_CHANGED).count() == 2


@pytest.mark.parametrize("channel", ["fax", "", "EMAIL"])
def test_an_unknown_channel_is_refused(world, channel):
    household = family(world.a.hub)
    with pytest.raises(RegistryError) as error:
        services.set_contact_channel(household, channel, actor=None)
    assert error.value.code == "unknown_contact_channel"
    assert Household.objects.get(pk=household.pk).contact_channel == ContactChannel.EMAIL
    assert not AuditLog.objects.filter(action=CHANNEL_CHANGED).exists()


def test_a_merged_card_keeps_its_channel(world):
    kept, merged = family(world.a.hub), family(world.a.hub)
    services.merge_households(kept, merged, actor=None)
    with pytest.raises(RegistryError) as error:
        services.set_contact_channel(merged, ContactChannel.PHONE, actor=None)
    assert error.value.code == "household_not_current"
    assert Household.objects.get(pk=merged.pk).contact_channel == ContactChannel.EMAIL


def test_updating_the_household_changes_the_channel_in_the_same_transaction(world):
    household = family(world.a.hub)
    changed = services.update_household(
        household, actor=None, notes="電話希望", contact_channel=ContactChannel.PHONE
    )
    assert changed == ["contact_channel", "notes"]
    assert AuditLog.objects.get(action="families.household.updated").payload == {
        "fields": ["notes"]
    }
    assert AuditLog.objects.filter(action=CHANNEL_CHANGED).count() == 1
    with pytest.raises(RegistryError):
        services.update_household(household, actor=None, notes="", contact_channel="line")
    assert Household.objects.get(pk=household.pk).notes == "電話希望"  # nothing half-saved
