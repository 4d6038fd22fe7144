"""The demo families and visits: realistic, consistent with what the services and the rollup
rebuild would produce, deterministic, and sized linearly by ``--scale``."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from hiroba.core.models import Hub, TownBlock, Venue
from hiroba.families.choices import HouseholdStatus, MemberKind, Relation
from hiroba.families.demo import history_start
from hiroba.families.models import Household, Member
from hiroba.lib.address import find_town_block
from hiroba.lib.jpcalendar import is_public_holiday, is_year_end_closure
from hiroba.lib.kana import kana_search_key
from hiroba.lib.text import normalize_phone
from hiroba.visits import reports, rollup
from hiroba.visits.demo import plan_for, scale_for_visits
from hiroba.visits.models import COUNT_FIELDS, DailyLog, Incident, Visit, VisitMonth

NOW = "2026-11-20T13:00:00+09:00"  # a Friday afternoon: the room is open and busy
TODAY = date(2026, 11, 20)


# The checks below only read, so the module seeds the whole demo once (the one full run of
# every step in the suite) and rolls it back when the module ends; each test's own transaction
# nests inside. xdist's worksteal mode hands each worker runs of neighbouring tests, so the
# module normally seeds once, at most once per worker.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(scope="module")
def _seeded(_frozen, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--quiet-logins")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_seeded, db):
    return Hub.objects.get(parent__isnull=True)


def _rollup_snapshot():
    rows = sorted(
        VisitMonth.objects.values_list(
            "venue_id", "month", "district_key", "day_type", "hub_id", "registry_hub_id",
            "ward_id", "fiscal_year", "visits", *COUNT_FIELDS, "families_in_month",
            "families_in_year",
        )
    )  # fmt: skip
    flags = sorted(Visit.objects.values_list("pk", "is_first_of_month", "is_first_of_year"))
    return rows, flags


def test_families_look_real_and_resolve_to_districts(demo):
    # The 子サポ step adds its providers' one-person households; these are the demo families.
    families = Household.objects.filter(hub=demo).exclude(kosapo_members__kind="provider")
    households = list(families.select_related("town_block"))
    assert len(households) == 300
    pending = [h for h in households if h.status == HouseholdStatus.PENDING]
    assert 3 <= len(pending) <= 12 and all(h.registered_on is None for h in pending)
    keys = list(TownBlock.objects.filter(ward=demo.ward).values_list("key", flat=True))
    prefix = f"{demo.ward.municipality.name}{demo.ward.name}"
    located = [h for h in households if h.town_block_id]
    assert len(located) > 250
    for household in located[:60]:  # what the registry's own address lookup would find
        assert find_town_block(household.address, keys, strip_prefix=prefix) == (
            household.town_block.key
        )
        assert household.district_id == household.town_block.district_id
    members = list(Member.objects.filter(household__hub=demo))
    for member in members:
        assert member.search_key == kana_search_key(member.family_name_kana) + kana_search_key(
            member.given_name_kana
        )
        if member.phone:
            assert normalize_phone(member.phone) == member.phone
            assert member.phone[:3] in ("090", "080", "070")
    assert {m.relation for m in members if m.kind == MemberKind.CAREGIVER} >= {
        Relation.MOTHER,
        Relation.FATHER,
        Relation.GRANDMOTHER,
    }
    expecting = [m for m in members if m.is_expected]
    assert expecting and all(m.due_date > TODAY for m in expecting)
    ages = Counter(m.age_band_on(TODAY) for m in members if m.birth_date)
    assert all(ages[band] > 10 for band in (0, 1, 2, 3))
    assert len({h.card_number for h in households}) == 300
    assert len({h.card_token for h in households}) == 300


def test_opening_days_and_volumes_are_realistic(demo):
    room = Venue.objects.get(hub=demo, sort_order=1)
    per_day = dict(
        Visit.objects.filter(venue=room, visited_on__lt=TODAY)
        .values_list("visited_on")
        .annotate(Sum("pairs"))
    )
    assert min(per_day) >= history_start(TODAY, 1) == date(2025, 4, 1)
    for day in per_day:  # closed on Sundays, Mondays, holidays and 12/29–1/3
        assert day.weekday() not in (0, 6)
        assert not is_public_holiday(day) and not is_year_end_closure(day)
    mean = sum(per_day.values()) / len(per_day)
    assert 40 <= mean <= 80
    fathers = dict(
        Visit.objects.filter(venue=room)
        .values_list("day_type")
        .annotate(share=Sum("fathers") * 1.0 / Sum("pairs"))
    )
    assert fathers["holiday"] > 2 * fathers["weekday"]  # more fathers on Saturdays
    kinds = dict(Visit.objects.values_list("kind").annotate(Count("pk")))
    assert kinds["registered"] > kinds["anonymous"] > kinds["tally"] > 0
    today = Visit.objects.filter(visited_on=TODAY)
    assert today.count() > 10  # this morning's visitors, none checked in or out after now
    assert not today.filter(checked_in_at__gt=timezone.now()).exists()
    assert not today.filter(checked_out_at__gt=timezone.now()).exists()
    # The daily log has near-misses and shortened days, which the monthly report flags.
    assert Incident.objects.filter(kind="near_miss").exists()
    short = DailyLog.objects.filter(hub=demo, closed_at="13:00:00").order_by("date").first()
    assert short is not None
    scope = reports.hub_group_scope(demo, Hub.objects.values_list("pk", flat=True))
    rules = demo.ward.municipality.rules("hub", on=short.date)
    report = reports.monthly_report(scope, short.date.replace(day=1), rules=rules, today=TODAY)
    opening = next(r for r in report.opening if r.venue.pk == short.venue_id)
    assert (short.date, 3.5) in opening.short_days
    assert report.total.pairs > 500 and report.total.families > 50
    assert report.registrations > 0


def test_visits_match_the_families_and_the_rollup_a_rebuild_gives(demo):
    """First visits, visit dates and the members' ages agree with the registry, and the
    rollup and flags are exactly what ``rollup.rebuild`` computes from the rows."""
    before = _rollup_snapshot()
    assert len(before[0]) > 500
    rollup.rebuild()
    assert _rollup_snapshot() == before
    first = defaultdict(list)
    dates = defaultdict(list)
    for household, day, first_visits in Visit.objects.filter(household__isnull=False).values_list(
        "household_id", "visited_on", "first_visits"
    ):
        dates[household].append(day)
        if first_visits:
            first[household].append(day)
    households = Household.objects.in_bulk(list(dates))
    for pk, days in dates.items():
        household = households[pk]
        assert household.last_visit_on == max(days)
        if first[pk]:  # registered during the history: the first visit is the earliest
            assert first[pk] == [min(days)] == [household.first_visit_on]
        else:  # came before the history starts
            assert household.first_visit_on < history_start(TODAY, 1)
    sample = Visit.objects.filter(kind="registered", attendees__isnull=False).distinct()[:200]
    for visit in sample.prefetch_related("attendees__member"):
        people = [a.member for a in visit.attendees.all()]
        bands = [m.age_band_on(visit.visited_on) for m in people if m.kind == MemberKind.CHILD]
        assert [bands.count(b) for b in range(4)] == [
            visit.children_0,
            visit.children_1,
            visit.children_2,
            visit.children_3,
        ]
        adults = [m for m in people if m.kind == MemberKind.CAREGIVER]
        assert len(adults) == visit.adults
        assert sum(m.relation == Relation.FATHER for m in adults) == visit.fathers


def test_scale_grows_the_history_then_the_venues_then_the_density():
    today = TODAY
    one = plan_for(1, today)
    assert (one.first_day, one.extra_venues, one.density) == (date(2025, 4, 1), 0, 1.0)
    assert 25_000 < one.expected_rows < 40_000
    for scale in (2, 4, 18, 60):
        plan = plan_for(scale, today)
        assert abs(plan.expected_rows - scale * one.expected_rows) <= scale
    assert plan_for(2, today).first_day == date(2023, 4, 1)
    assert plan_for(5, today).first_day == date(2017, 4, 1)  # ten fiscal years
    bench = plan_for(scale_for_visits(10_000_000, today), today)
    assert bench.extra_venues + 6 == 27
    assert 10_000_000 <= bench.expected_rows < 10_050_000
    assert plan_for(2, today - timedelta(days=365)).first_day == date(2022, 4, 1)
