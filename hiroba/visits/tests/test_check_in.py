"""Check-in, walk-ins, tallies and cancellation: counts, flags, first visits and the rollup."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from hiroba.core.tests.factories import VenueFactory
from hiroba.families.choices import Relation
from hiroba.families.tests.factories import AT_NOON, caregiver, child, family
from hiroba.visits import services
from hiroba.visits.models import Visit, VisitMonth
from hiroba.visits.services import Counts, VisitError

pytestmark = [pytest.mark.django_db, AT_NOON]


@pytest.fixture
def venue(world):
    return VenueFactory(hub=world.a.hub)


def _ids(household):
    return [m.pk for m in household.members.all()]


def test_check_in_counts_adults_children_by_age_band_and_first_visit(world, venue):
    household = family(
        world.a.hub,
        caregiver(),
        caregiver("山田", "一郎", "ヤマダ", "イチロウ", relation=Relation.FATHER),
        child("太郎", "タロウ", date(2025, 11, 21)),  # 0 on the visit day (turns 1 tomorrow)
        child("次郎", "ジロウ", date(2023, 11, 20)),  # 3 today
    )
    visit, created = services.check_in(household, venue, _ids(household), actor=None)
    assert created
    assert (visit.adults, visit.fathers, visit.children_0, visit.children_3) == (2, 1, 1, 1)
    assert (visit.first_visits, visit.is_first_of_month, visit.is_first_of_year) == (1, True, True)
    household.refresh_from_db()
    assert household.first_visit_on == household.last_visit_on == date(2026, 11, 20)


def test_second_check_in_the_same_day_adds_members_to_one_visit(world, venue):
    household = family(
        world.a.hub,
        caregiver(),
        caregiver("山田", "一郎", "ヤマダ", "イチロウ", relation=Relation.FATHER),
        child(),
    )
    mother, father, baby = household.members.order_by("sort_order")
    services.check_in(household, venue, [mother.pk, baby.pk], actor=None)
    visit, created = services.check_in(household, venue, [father.pk], actor=None)
    assert not created
    assert Visit.objects.count() == 1
    assert (visit.adults, visit.fathers, visit.children_0 + visit.children_1) == (2, 1, 1)
    row = VisitMonth.objects.get()
    assert (row.visits, row.adults, row.fathers) == (1, 2, 1)


def test_check_in_needs_an_adult_and_members_of_the_family(world, venue):
    household = family(world.a.hub)
    other = family(world.a.hub)
    baby = household.members.get(kind="child")
    with pytest.raises(VisitError) as error:
        services.check_in(household, venue, [baby.pk], actor=None)
    assert error.value.code == "no_adult_present"
    with pytest.raises(VisitError) as error:
        services.check_in(household, venue, _ids(other), actor=None)
    assert error.value.code == "member_not_in_family"
    assert Visit.objects.count() == 0


def test_family_of_another_hub_cannot_check_in_here(world, venue):
    household = family(world.b.hub)
    with pytest.raises(VisitError) as error:
        services.check_in(household, venue, _ids(household), actor=None)
    assert error.value.code == "venue_not_of_family_hub"


def test_satellite_venue_checks_in_families_of_the_main_hub(world):
    satellite_room = VenueFactory(hub=world.a.satellite)
    household = family(world.a.satellite)
    assert household.hub == world.a.hub
    visit, _ = services.check_in(household, satellite_room, _ids(household), actor=None)
    assert (visit.hub, visit.registry_hub) == (world.a.satellite, world.a.hub)


def test_pregnant_mother_is_counted_while_the_due_date_is_ahead(world, venue):
    household = family(world.a.hub, caregiver(), child("", "", None, due_date=date(2027, 2, 1)))
    mother = household.members.get(kind="caregiver")
    visit, _ = services.check_in(household, venue, [mother.pk], actor=None)
    assert (visit.adults, visit.pregnant, visit.children) == (1, 1, 0)


def test_walk_in_and_tally_are_validated(world, venue):
    with pytest.raises(VisitError):
        services.record_walk_in(venue, Counts(), actor=None)
    with pytest.raises(VisitError):
        services.record_walk_in(venue, Counts(adults=1, fathers=2), actor=None)
    services.record_walk_in(venue, Counts(adults=1, children_1=2), actor=None)
    counts = Counts(adults=20, children_0=12, children_1=9, pairs=18)
    first, created = services.record_tally(
        venue, date(2020, 5, 1), counts, actor=None, source_key="f"
    )
    again, created_again = services.record_tally(
        venue, date(2020, 5, 1), counts, actor=None, source_key="f"
    )
    assert created and not created_again and first.pk == again.pk
    assert Visit.objects.count() == 2


def test_cancel_moves_first_visit_and_month_flag_to_the_next_visit(world, venue):
    household = family(world.a.hub)
    with time_machine.travel("2026-11-02T10:00:00+09:00", tick=False):
        early, _ = services.check_in(household, venue, _ids(household), actor=None)
    later, _ = services.check_in(household, venue, _ids(household), actor=None)
    assert (later.first_visits, later.is_first_of_month) == (0, False)
    services.cancel_visit(early, actor=None)
    later.refresh_from_db()
    assert (later.first_visits, later.is_first_of_month, later.is_first_of_year) == (1, True, True)
    row = VisitMonth.objects.get()
    assert (row.visits, row.first_visits, row.families_in_month) == (1, 1, 1)


def test_cancelling_the_same_visit_twice_subtracts_it_once(world, venue):
    household = family(world.a.hub)
    services.record_walk_in(venue, Counts(adults=1, children_0=1), actor=None)
    visit, _ = services.check_in(household, venue, _ids(household), actor=None)
    stale = Visit.objects.get(pk=visit.pk)
    services.cancel_visit(visit, actor=None)
    services.cancel_visit(stale, actor=None)  # a double tap with the page's old copy
    row = VisitMonth.objects.get()
    assert (row.visits, row.adults, row.children_0) == (1, 1, 1)


def test_a_visit_of_a_merged_card_can_still_be_cancelled(world, venue):
    from hiroba.families import services as family_services  # noqa: PLC0415

    kept, merged = family(world.a.hub), family(world.a.hub)
    visit, _ = services.check_in(merged, venue, _ids(merged), actor=None)
    family_services.merge_households(kept, merged, actor=None)
    services.cancel_visit(visit, actor=None)
    assert not Visit.objects.exists()
    assert VisitMonth.objects.get().visits == 0


def test_cancelling_on_the_kept_card_keeps_the_merged_cards_visit_dates(world, venue):
    from hiroba.families import services as family_services  # noqa: PLC0415

    kept, merged = family(world.a.hub), family(world.a.hub)
    with time_machine.travel("2026-11-02T10:00:00+09:00", tick=False):
        services.check_in(merged, venue, _ids(merged), actor=None)
    family_services.merge_households(kept, merged, actor=None)
    mistake, _ = services.check_in(kept, venue, _ids(kept), actor=None)
    services.cancel_visit(mistake, actor=None)
    kept.refresh_from_db()
    assert (kept.first_visit_on, kept.last_visit_on) == (date(2026, 11, 2), date(2026, 11, 2))
    assert sum(Visit.objects.values_list("first_visits", flat=True)) == 1


def test_cancelling_counts_the_visits_of_cards_merged_two_merges_ago(world, venue):
    """A into B, then B into C: C's visit dates and its one first visit span all three."""
    from hiroba.families import services as family_services  # noqa: PLC0415

    a, b, c = family(world.a.hub), family(world.a.hub), family(world.a.hub)
    services.check_in(a, venue, _ids(a), actor=None, on=date(2026, 4, 7))
    services.check_in(b, venue, _ids(b), actor=None, on=date(2026, 6, 2))
    family_services.merge_households(b, a, actor=None)
    family_services.merge_households(c, b, actor=None)
    mistake, _ = services.check_in(c, venue, _ids(c), actor=None)
    services.cancel_visit(mistake, actor=None)
    c.refresh_from_db()
    assert (c.first_visit_on, c.last_visit_on) == (date(2026, 4, 7), date(2026, 6, 2))
    # Cancelling on the oldest card updates the card in use too.
    services.cancel_visit(Visit.objects.get(household=b), actor=None)
    c.refresh_from_db()
    assert (c.first_visit_on, c.last_visit_on) == (date(2026, 4, 7), date(2026, 4, 7))
    assert list(Visit.objects.values_list("first_visits", flat=True)) == [1]
