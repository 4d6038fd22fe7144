"""Merging duplicate family cards: what moves, what stays, who may, and what is refused."""

from __future__ import annotations

import contextlib
import threading
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import HubFactory, VenueFactory
from hiroba.families import merging, queries, services
from hiroba.families.choices import (
    ConsentAction,
    ConsentPurpose,
    HouseholdStatus,
    HowHeard,
    Relation,
)
from hiroba.families.models import Household, HouseholdMerge
from hiroba.families.services import RegistryError
from hiroba.families.tests.factories import AT_NOON, caregiver, child, family
from hiroba.visits.services import check_in

pytestmark = [pytest.mark.django_db, AT_NOON]


def _father(**extra):
    return caregiver(
        "山田", "一郎", "ヤマダ", "イチロウ", relation=Relation.FATHER, phone="09055556666", **extra
    )


def _pair(world):
    """The same family registered twice: once by the mother with the first child, once by the
    father with both children. Each card has its main contact, as the counter form sets."""
    kept = family(
        world.a.hub,
        caregiver(phone="09011112222", is_primary_contact=True),
        child(),
        consents={ConsentPurpose.VISIT_RECORDS: True},
    )
    merged = family(
        world.a.hub,
        _father(is_primary_contact=True),
        child(),  # the same 太郎 (same furigana and date of birth)
        child("花", "ハナ", date(2026, 6, 1)),
        consents={ConsentPurpose.PHOTOS: True},
        address_region="神奈川県横浜市青葉区美しが丘",
        how_heard=HowHeard.FRIEND,
        notes="双子の予定",
    )
    return kept, merged


def test_merging_moves_new_members_and_consent_and_keeps_the_card_for_history(world):
    kept, merged = _pair(world)
    staff = world.a.person(Role.HUB_MANAGER)
    father = merged.members.get(relation=Relation.FATHER)
    hana = merged.members.get(given_name="花")
    taro_copy = merged.members.get(given_name="太郎")
    record = services.merge_households(kept, merged, actor=staff)

    kept.refresh_from_db()
    merged.refresh_from_db()
    assert sorted(kept.members.values_list("given_name", flat=True)) == [
        "一郎",
        "太郎",
        "花",
        "花子",
    ]
    assert list(merged.members.all()) == [taro_copy]  # the duplicate stays with the old card
    # One main contact: the kept card's mother; the father moved without his flag.
    mother = kept.members.get(relation=Relation.MOTHER)
    assert list(kept.members.filter(is_primary_contact=True)) == [mother]
    assert (merged.status, merged.merged_into) == (HouseholdStatus.MERGED, kept)
    assert queries.has_consent(kept, ConsentPurpose.PHOTOS)
    assert queries.has_consent(kept, ConsentPurpose.VISIT_RECORDS)
    assert not merged.consent_events.exists()
    # What the kept card lacked is taken over; its own details win otherwise.
    assert (kept.address_region, kept.how_heard, kept.notes) == (
        "神奈川県横浜市青葉区美しが丘",
        HowHeard.FRIEND,
        "双子の予定",
    )
    assert record == HouseholdMerge.objects.get()
    assert record.merged_card_number == merged.card_number
    assert record.merged_by == staff
    assert sorted(record.moved["members"]) == sorted([father.pk, hana.pk])
    assert record.moved["duplicates"] == [taro_copy.pk]
    assert (record.moved["main_contact"], record.moved["no_longer_main_contact"]) == (
        mother.pk,
        [father.pk],
    )
    assert len(record.moved["consents"]) == 1
    entry = AuditLog.objects.get(action="families.household.merged")
    assert entry.object_id == str(kept.pk)
    assert entry.payload["merged"] == merged.pk


def _main_contacts(household):
    return list(
        household.members.filter(is_primary_contact=True).values_list("given_name", flat=True)
    )


def test_a_kept_card_without_a_main_contact_takes_the_merged_cards(world):
    kept = family(world.a.hub, caregiver(), child())  # e.g. imported from a paper card
    merged = family(world.a.hub, _father(is_primary_contact=True), child())
    services.merge_households(kept, merged, actor=None)
    assert _main_contacts(kept) == ["一郎"]


def test_a_merged_main_contact_already_on_the_kept_card_makes_that_row_the_main_contact(world):
    kept = family(world.a.hub, caregiver(), child())
    merged = family(world.a.hub, caregiver(is_primary_contact=True), _father(), child())
    record = services.merge_households(kept, merged, actor=None)
    kept_mother = kept.members.get(relation=Relation.MOTHER)
    assert _main_contacts(kept) == ["花子"]
    assert kept_mother.is_primary_contact and record.moved["main_contact"] == kept_mother.pk
    assert _main_contacts(merged) == ["花子"]  # the duplicate row left behind is history


def test_a_kept_card_with_two_main_contacts_keeps_the_first(world):
    kept = family(
        world.a.hub,
        caregiver(is_primary_contact=True),
        caregiver(
            "山田", "和子", "ヤマダ", "カズコ", Relation.GRANDMOTHER, is_primary_contact=True
        ),
    )
    merged = family(world.a.hub, _father(is_primary_contact=True), child())
    services.merge_households(kept, merged, actor=None)
    assert _main_contacts(kept) == ["花子"]


def test_cards_without_a_main_contact_get_none_made_up(world):
    kept, merged = family(world.a.hub), family(world.a.hub, _father(), child())
    record = services.merge_households(kept, merged, actor=None)
    assert _main_contacts(kept) == []
    assert record.moved["main_contact"] is None


def test_merged_cards_no_longer_appear_in_search_or_by_qr_code(world):
    kept, merged = _pair(world)
    assert set(queries.search_households(world.a.hub, "やまだ")) == {kept, merged}
    services.merge_households(kept, merged, actor=None)
    assert queries.search_households(world.a.hub, "やまだ") == [kept]
    assert queries.search_households(world.a.hub, "090-5555") == [kept]  # the father moved
    assert queries.search_households(world.a.hub, merged.card_token) == []
    assert queries.household_by_card_token(world.a.hub, merged.card_token) is None
    assert queries.duplicate_candidates(kept) == []


def test_visits_stay_on_their_card_and_dates_span_both(world):
    kept, merged = _pair(world)
    venue = VenueFactory(hub=world.a.hub)
    merged_visit, _ = check_in(
        merged, venue, [m.pk for m in merged.members.all()[:1]], actor=None, on=date(2026, 4, 1)
    )
    check_in(kept, venue, [kept.members.first().pk], actor=None, on=date(2026, 10, 1))
    kept.refresh_from_db()
    merged.refresh_from_db()
    services.merge_households(kept, merged, actor=None)
    kept.refresh_from_db()
    assert (kept.first_visit_on, kept.last_visit_on) == (date(2026, 4, 1), date(2026, 10, 1))
    merged_visit.refresh_from_db()
    assert merged_visit.household_id == merged.pk  # statistics stay as recorded


def test_a_confirmed_card_confirms_a_pre_registration_it_is_merged_into(world):
    kept = family(world.a.hub, status=HouseholdStatus.PENDING)
    data = services.HouseholdData(members=[caregiver(), child()])
    merged = services.register_household(
        world.a.hub, data, actor=None, registered_on=date(2025, 4, 1)
    )
    services.merge_households(kept, merged, actor=None)
    kept.refresh_from_db()
    assert (kept.status, kept.registered_on) == (HouseholdStatus.ACTIVE, date(2025, 4, 1))


def test_merging_across_hubs_into_itself_or_a_merged_card_is_refused(world):
    ours = family(world.a.hub)
    neighbour_hub = HubFactory(ward=world.a.ward, operator=world.a.hub.operator)
    theirs = family(neighbour_hub)
    with pytest.raises(RegistryError) as error:
        services.merge_households(ours, theirs, actor=None)
    assert error.value.code == "merge_other_registry"
    with pytest.raises(RegistryError) as error:
        services.merge_households(ours, ours, actor=None)
    assert error.value.code == "merge_same_card"
    second = family(world.a.hub)
    services.merge_households(ours, second, actor=None)
    with pytest.raises(RegistryError) as error:
        services.merge_households(family(world.a.hub), second, actor=None)
    assert error.value.code == "household_not_current"
    assert Household.objects.get(pk=theirs.pk).status == HouseholdStatus.ACTIVE
    assert HouseholdMerge.objects.count() == 1


def test_the_merge_rechecks_the_rows_it_locked(world):
    """The objects the caller holds may be stale: the locked rows decide."""
    kept, merged = _pair(world)
    stale = Household.objects.get(pk=merged.pk)
    services.merge_households(kept, merged, actor=None)
    with pytest.raises(RegistryError) as error:
        services.merge_households(kept, stale, actor=None)  # stale still says "active"
    assert error.value.code == "household_not_current"


def test_the_consent_history_of_both_cards_is_kept_in_order(world):
    kept, merged = _pair(world)
    services.record_consent(
        kept, ConsentPurpose.PHOTOS, ConsentAction.WITHDRAWN, actor=None, given_on=date(2026, 11, 1)
    )
    services.merge_households(kept, merged, actor=None)
    # The merged card's grant was recorded before the kept card's withdrawal: withdrawal wins.
    assert not queries.has_consent(kept, ConsentPurpose.PHOTOS)
    assert kept.consent_events.count() == 3


# -- the pages ---------------------------------------------------------------------------------
@pytest.fixture
def manager(world, client, settings):
    client.force_login(world.a.person(Role.HUB_MANAGER))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _merge_url(kept, merged):
    return reverse(
        "families:household-merge", kwargs={"household_id": kept.pk, "other_id": merged.pk}
    )


def test_the_duplicates_page_offers_a_merge_both_ways(world, manager, english):
    kept, merged = _pair(world)
    response = manager.get(
        reverse("families:household-duplicates", kwargs={"household_id": kept.pk})
    )
    page = response.content.decode()
    candidate, reasons = response.context["candidates"][0]
    assert candidate == merged
    assert reasons == ["Same furigana and date of birth: ヤマダ タロウ"]
    assert _merge_url(kept, merged) in page and _merge_url(merged, kept) in page


def test_the_merge_page_compares_and_says_what_moves(world, manager):
    kept, merged = _pair(world)
    response = manager.get(_merge_url(kept, merged))
    assert response.status_code == 200
    assert [m.given_name for m in response.context["moving"]] == ["一郎", "花"]
    assert [m.given_name for m in response.context["duplicates"]] == ["太郎"]
    assert not Household.objects.filter(status=HouseholdStatus.MERGED).exists()  # GET is safe


def test_posting_the_merge_page_merges(world, manager):
    kept, merged = _pair(world)
    response = manager.post(_merge_url(kept, merged))
    assert response.status_code == 302
    assert response.url == kept.get_absolute_url()
    merged.refresh_from_db()
    assert merged.merged_into == kept


def test_the_merge_page_explains_a_refusal(world, client, english, settings):
    city_admin = world.a.person(Role.CITY_ADMIN)  # reaches every hub of the city
    client.force_login(city_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    ours = family(world.a.hub)
    other_hub = HubFactory(ward=world.a.ward, operator=world.a.hub.operator)
    theirs = family(other_hub)
    page = client.get(_merge_url(ours, theirs))
    assert page.context["problem"] == "Only cards of the same hub's registry can be merged."
    assert "Merge the cards" not in page.content.decode()
    response = client.post(_merge_url(ours, theirs))
    assert response.status_code == 400
    assert not HouseholdMerge.objects.exists()


def test_hub_staff_may_not_merge(world, client):
    kept, merged = _pair(world)
    client.force_login(world.a.person(Role.HUB_STAFF))
    assert client.post(_merge_url(kept, merged)).status_code == 403
    duplicates = client.get(
        reverse("families:household-duplicates", kwargs={"household_id": kept.pk})
    )
    assert duplicates.status_code == 200
    assert not duplicates.context["can_merge"]
    assert not HouseholdMerge.objects.exists()


# -- concurrency (PostgreSQL) ------------------------------------------------------------------
def _read_rows(*households):
    """``rows.lock_rows`` without the lock: the guard switched off."""
    return {h.pk: Household.objects.get(pk=h.pk) for h in households}


def _merge_one_card_into_two_at_once(monkeypatch, *, guarded: bool):
    """Two managers merge the same duplicate card, each into a different card, at once."""
    hub = HubFactory()
    first, second, duplicate = family(hub), family(hub), family(hub)
    read_rows = merging.lock_rows if guarded else _read_rows
    both_read = threading.Barrier(2)

    def rows_then_wait(*households):
        rows = read_rows(*households)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait(timeout=1)
        return rows

    monkeypatch.setattr(merging, "lock_rows", rows_then_wait)
    outcomes = []

    def merge(kept):
        try:
            services.merge_households(kept, duplicate, actor=None)
            outcomes.append("merged")
        except RegistryError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=merge, args=(kept,)) for kept in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    return sorted(outcomes), HouseholdMerge.objects.filter(merged=duplicate).count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_row_locks_one_card_is_merged_twice(monkeypatch):
    outcomes, merges = _merge_one_card_into_two_at_once(monkeypatch, guarded=False)
    assert outcomes == ["merged", "merged"]
    assert merges == 2  # two kept cards each claim the duplicate


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_row_locks_let_only_one_merge_take_the_card(monkeypatch):
    outcomes, merges = _merge_one_card_into_two_at_once(monkeypatch, guarded=True)
    assert outcomes == ["merged", "refused"]
    assert merges == 1
