"""Program entries follow merged cards, end with anonymised ones, and keep pre-registrations."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hiroba.core.tests.factories import HubFactory
from hiroba.families import retention
from hiroba.families import services as family_services
from hiroba.families.choices import HouseholdStatus
from hiroba.families.models import Household
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.programs import queries, services
from hiroba.programs.choices import EntryStatus
from hiroba.programs.models import Entry
from hiroba.programs.tests.factories import caregivers_and_children, program

pytestmark = pytest.mark.django_db


def _apply(prog, household, **kwargs):
    return services.apply(prog, household, caregivers_and_children(household), **kwargs)


def _twins(hub):
    kept = family(hub, caregiver(phone="09011112222"), child())
    merged = family(hub, caregiver(phone="09011112222"), child(given_name="次郎"))
    return kept, merged


def test_a_merged_cards_entries_move_to_the_kept_card():
    hub = HubFactory()
    prog = program(hub)
    kept, merged = _twins(hub)
    entry = _apply(prog, merged)
    family_services.merge_households(kept, merged, actor=None)
    entry.refresh_from_db()
    assert entry.household_id == kept.pk and entry.status == EntryStatus.CONFIRMED
    assert queries.entry_of_household(kept, entry.pk) == entry
    assert queries.invariant_violations(prog).ok


def test_when_both_cards_had_a_seat_the_merged_cards_one_is_cancelled_and_offered_on():
    hub = HubFactory()
    prog = program(hub, capacity_families=2)
    kept, merged = _twins(hub)
    kept_entry, merged_entry = _apply(prog, kept), _apply(prog, merged)
    assert kept_entry.status == merged_entry.status == EntryStatus.CONFIRMED
    waiting = _apply(prog, family(hub, caregiver(given_name="桃子"), child()))
    family_services.merge_households(kept, merged, actor=None)
    merged_entry.refresh_from_db()
    waiting.refresh_from_db()
    assert merged_entry.status == EntryStatus.CANCELLED
    assert Entry.objects.active().filter(program=prog, household=kept).count() == 1
    assert waiting.status == EntryStatus.OFFERED
    assert queries.invariant_violations(prog).ok


def test_anonymising_ends_active_entries_and_removes_messages():
    hub = HubFactory()
    prog = program(hub, capacity_families=1)
    household = family(hub)
    entry = _apply(prog, household, message="卵アレルギーがあります")
    waiting = _apply(prog, family(hub, caregiver(given_name="桃子"), child()))
    family_services.anonymise_household(household, actor=None)
    entry.refresh_from_db()
    waiting.refresh_from_db()
    assert (entry.status, entry.message) == (EntryStatus.CANCELLED, "")
    assert waiting.status == EntryStatus.OFFERED
    assert queries.invariant_violations(prog).ok


def test_a_pre_registration_with_an_entry_is_kept_not_deleted():
    hub = HubFactory()
    prog = program(hub)
    household = family(hub, status=HouseholdStatus.PENDING)
    _apply(prog, household)
    assert family_services.remove_pending_registration(household, actor=None) is False
    assert Household.objects.filter(pk=household.pk).exists()


def test_signing_up_counts_as_activity_for_retention():
    hub = HubFactory()
    household = family(hub)
    long_ago = timezone.localdate() - timedelta(days=3000)
    Household.objects.filter(pk=household.pk).update(last_visit_on=long_ago, registered_on=long_ago)
    household.refresh_from_db()
    assert retention.last_activity(household) == long_ago
    prog = program(hub)
    _apply(prog, household)
    assert retention.last_activity(household) == timezone.localdate(prog.last_ends_at)
