"""Retention: who is due, the dry run, the real run and the command; statistics survive."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import VenueFactory
from hiroba.families import retention, services
from hiroba.families.choices import HouseholdStatus
from hiroba.families.models import Household, Member
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.visits.models import Visit, VisitMonth
from hiroba.visits.services import check_in

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-20T12:00:00+09:00", tick=False):
        yield


def _set(household, **values):
    Household.objects.filter(pk=household.pk).update(**values)
    household.refresh_from_db()
    return household


@pytest.fixture
def families(world):
    """One family per case, in tenant A (default rules: 5 years after the youngest turns 6)."""
    hub = world.a.hub
    cases = {
        # youngest turned 6 on 2020-05-01, last visit 2019: due 2025-05-01
        "grown_up": _set(
            family(hub, caregiver(), child(birth_date=date(2014, 5, 1))),
            last_visit_on=date(2019, 6, 1),
            registered_on=date(2015, 1, 1),
        ),
        # same children, but visited in 2022: due 2027-03-01
        "visited_lately": _set(
            family(hub, caregiver(), child(birth_date=date(2014, 5, 1))),
            last_visit_on=date(2022, 3, 1),
            registered_on=date(2015, 1, 1),
        ),
        # an older and a younger child: the youngest (2022) counts
        "young_sibling": _set(
            family(
                hub,
                caregiver(),
                child(birth_date=date(2012, 1, 1)),
                child("花", "ハナ", date(2022, 1, 1)),
            ),
            last_visit_on=date(2019, 1, 1),
            registered_on=date(2012, 6, 1),
        ),
        # no born children (a pregnancy only), registered 2020, never visited: due 2025-01-10
        "no_children": _set(
            family(hub, caregiver(), child(birth_date=None, due_date=date(2020, 6, 1))),
            registered_on=date(2020, 1, 10),
        ),
        # a portal pre-registration from January nobody confirmed: due after 180 days
        "stale_pending": _set(
            family(hub, status=HouseholdStatus.PENDING),
            created_at=datetime(2026, 1, 5, 10, tzinfo=TOKYO),
        ),
        "fresh_pending": _set(
            family(hub, status=HouseholdStatus.PENDING),
            created_at=datetime(2026, 10, 1, 10, tzinfo=TOKYO),
        ),
    }
    return cases


def test_the_plan_lists_exactly_the_families_due(families):
    items = {item.household.pk: item for item in retention.plan(TODAY)}
    due = {name for name, h in families.items() if h.pk in items}
    assert due == {"grown_up", "no_children", "stale_pending"}
    assert items[families["grown_up"].pk].due_on == date(2025, 5, 1)
    assert items[families["grown_up"].pk].action == retention.ANONYMISE
    assert items[families["no_children"].pk].due_on == date(2025, 1, 10)
    assert items[families["stale_pending"].pk].action == retention.REMOVE_PENDING
    assert items[families["stale_pending"].pk].due_on == date(2026, 7, 4)


def test_due_dates_follow_the_rule(families):
    rules = {"retention_years_after_youngest_turns_6": 5, "retention_years_without_children": 3}
    # The 6th birthday is after the last visit: count from the birthday.
    assert retention.anonymise_due_on(date(2018, 1, 1), date(2015, 7, 1), rules) == date(2026, 7, 1)
    # The last visit is after the 6th birthday (an older sibling kept coming): count from it.
    assert retention.anonymise_due_on(date(2023, 2, 1), date(2015, 7, 1), rules) == date(2028, 2, 1)
    assert retention.anonymise_due_on(date(2023, 2, 1), None, rules) == date(2026, 2, 1)
    # Born on 29 February: six years old on 1 March in a common year.
    assert retention.add_years(date(2020, 2, 29), 6) == date(2026, 3, 1)


def test_the_dry_run_changes_nothing(families):
    before = list(Household.objects.order_by("pk").values())
    members_before = list(Member.objects.order_by("pk").values())
    out = StringIO()
    call_command("anonymise_families", "--dry-run", "--today", "2026-11-20", stdout=out)
    text = out.getvalue()
    assert families["grown_up"].card_number in text
    assert families["no_children"].card_number in text
    assert families["visited_lately"].card_number not in text
    assert "2 families would be anonymised and 1 pre-registrations would be removed" in text
    assert list(Household.objects.order_by("pk").values()) == before
    assert list(Member.objects.order_by("pk").values()) == members_before
    assert not AuditLog.objects.filter(action__startswith="families.household.anon").exists()


def test_the_real_run_anonymises_and_removes(families):
    out = StringIO()
    call_command("anonymise_families", "--today", "2026-11-20", stdout=out)
    assert "2 families were anonymised and 1 pre-registrations were removed" in out.getvalue()
    statuses = dict(Household.objects.values_list("pk", "status"))
    assert statuses[families["grown_up"].pk] == HouseholdStatus.ANONYMISED
    assert statuses[families["no_children"].pk] == HouseholdStatus.ANONYMISED
    assert statuses[families["visited_lately"].pk] == HouseholdStatus.ACTIVE
    assert statuses[families["young_sibling"].pk] == HouseholdStatus.ACTIVE
    assert statuses[families["fresh_pending"].pk] == HouseholdStatus.PENDING
    assert families["stale_pending"].pk not in statuses
    assert AuditLog.objects.filter(action="families.household.anonymised").count() == 2
    removed = AuditLog.objects.get(action="families.household.pending_removed")
    assert removed.object_id == str(families["stale_pending"].pk)
    # A second run finds nothing more to do.
    assert retention.plan(TODAY) == []


def test_a_municipality_can_keep_data_longer(world, families):
    world.a.municipality.rule_overrides = {
        "families": {"retention_years_after_youngest_turns_6": 10}
    }
    world.a.municipality.save(update_fields=["rule_overrides"])
    due = {item.household.pk for item in retention.plan(TODAY)}
    assert families["grown_up"].pk not in due
    assert families["no_children"].pk in due  # its own rule is unchanged


def test_merged_cards_are_anonymised_on_their_own_activity(world):
    kept = _set(family(world.a.hub), last_visit_on=date(2026, 10, 1))
    merged = _set(
        family(world.a.hub, caregiver(), child(birth_date=date(2012, 4, 1))),
        last_visit_on=date(2017, 1, 1),
    )
    services.merge_households(kept, merged, actor=None)  # 太郎 2012 moves, the mother stays
    merged.refresh_from_db()
    assert merged.status == HouseholdStatus.MERGED
    due = {item.household.pk: item for item in retention.plan(TODAY)}
    assert set(due) == {merged.pk}
    retention.run(TODAY)
    merged.refresh_from_db()
    assert merged.status == HouseholdStatus.ANONYMISED
    assert merged.merged_into == kept  # the history link survives


def test_visit_statistics_survive_anonymisation(world):
    household = family(world.a.hub, caregiver(), child(birth_date=date(2014, 5, 1)))
    venue = VenueFactory(hub=world.a.hub)
    visit, _ = check_in(
        household,
        venue,
        list(household.members.values_list("pk", flat=True)),
        actor=None,
        on=date(2019, 6, 3),
    )
    counts = ("adults", "children_0", "children_1", "children_2", "children_3", "first_visits")
    before = Visit.objects.values(*counts, "district_id", "visited_on").get(pk=visit.pk)
    rollup_before = list(VisitMonth.objects.values())
    done = retention.run(TODAY)
    assert [item.household for item in done] == [household]
    visit.refresh_from_db()
    assert Visit.objects.values(*counts, "district_id", "visited_on").get(pk=visit.pk) == before
    assert visit.household_id == household.pk
    assert (before["adults"], before["children_3"]) == (1, 1)
    assert list(VisitMonth.objects.values()) == rollup_before


def test_pending_with_a_visit_is_not_deleted(world):
    pending = _set(
        family(world.a.hub, status=HouseholdStatus.PENDING),
        created_at=datetime(2025, 1, 5, 10, tzinfo=TOKYO),
        last_visit_on=date(2025, 2, 1),
    )
    assert retention.plan(TODAY) == []
    assert services.remove_pending_registration(pending, actor=None) is False
    assert Household.objects.filter(pk=pending.pk).exists()


def test_the_command_checks_its_date():
    with pytest.raises(CommandError):
        call_command("anonymise_families", "--today", "R8.11.20")
