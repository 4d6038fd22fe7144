"""Property test: after any sequence of check-ins, walk-ins, tallies and cancellations, the
monthly rollup equals the aggregate of the raw visits, and ``rollup.rebuild()`` agrees.

Hypothesis runs many examples inside one test function, and pytest-django resets the database
only per test, so every example runs in a transaction that is rolled back at its end. The
dates straddle month ends, the fiscal-year boundary (March/April) and the calendar year, so
the first-of-month/year flags move between months and years as visits come and go.
"""

from __future__ import annotations

import contextlib
from collections import Counter, defaultdict
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hiroba.core.choices import VenueKind
from hiroba.core.tests.factories import DistrictFactory, VenueFactory
from hiroba.families.choices import Relation
from hiroba.families.models import Household
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.lib.fiscal import fiscal_year_of
from hiroba.visits import rollup, services
from hiroba.visits.models import COUNT_FIELDS, Visit, VisitMonth
from hiroba.visits.services import Counts, VisitError

pytestmark = pytest.mark.django_db

DATES = [
    date(2025, 12, 31),
    date(2026, 1, 1),  # year-end closure, a holiday
    date(2026, 2, 28),
    date(2026, 3, 1),
    date(2026, 3, 31),  # last day of fiscal year 2025
    date(2026, 4, 1),  # first day of fiscal year 2026
    date(2026, 4, 30),
    date(2026, 5, 1),
]
ROLLUP_COLUMNS = ("visits", *COUNT_FIELDS, "families_in_month", "families_in_year")


@pytest.fixture
def stage(world):
    """Two hub groups (A with its satellite, and B), venues, districts and families whose
    children cross an age band on the dates above."""
    a, b = world.a, world.b
    d1 = DistrictFactory(ward=a.ward)
    d2 = DistrictFactory(ward=a.ward)
    venues = [
        VenueFactory(hub=a.hub, kind=VenueKind.HIROBA_ROOM),
        VenueFactory(hub=a.hub, kind=VenueKind.PARK),
        VenueFactory(hub=a.satellite, kind=VenueKind.HIROBA_ROOM),
        VenueFactory(hub=b.hub, kind=VenueKind.HIROBA_ROOM),
    ]
    families = [
        family(a.hub),
        family(
            a.hub,
            caregiver(),
            caregiver("山田", "一郎", "ヤマダ", "イチロウ", relation=Relation.FATHER),
            child("太郎", "タロウ", date(2025, 3, 31)),  # turns 1 on 2026-03-31
            child("", "", None, due_date=date(2026, 4, 15)),
        ),
        family(
            a.hub,
            caregiver("佐藤", "", "サトウ", "", relation=Relation.GRANDMOTHER),
            child("花", "ハナ", date(2023, 4, 1), "佐藤", "サトウ"),  # turns 3 on 2026-04-01
        ),
        family(b.hub),
    ]
    Household.objects.filter(pk=families[1].pk).update(district=d1)
    Household.objects.filter(pk=families[2].pk).update(district=d2)
    return venues, [Household.objects.get(pk=h.pk) for h in families]


operation = st.one_of(
    st.tuples(
        st.just("check_in"),
        st.integers(0, 3),  # family
        st.integers(0, 3),  # venue (another hub's venue is refused: fine)
        st.integers(0, len(DATES) - 1),
        st.integers(1, 15),  # which members came (bit mask)
    ),
    st.tuples(
        st.just("walk_in"),
        st.integers(0, 3),
        st.integers(0, len(DATES) - 1),
        st.integers(1, 2),  # adults
        st.integers(0, 2),  # children aged 0
        st.integers(0, 1),  # first visit
    ),
    st.tuples(
        st.just("tally"),
        st.integers(0, 3),
        st.integers(0, len(DATES) - 1),
        st.integers(1, 9),  # groups
    ),
    st.tuples(st.just("cancel"), st.integers(0, 30)),
)


def _apply(step, venues, families) -> None:
    kind = step[0]
    if kind == "check_in":
        _, f, v, d, mask = step
        household = families[f]
        members = [m.pk for m in household.members.order_by("pk") if not m.is_expected]
        chosen = [pk for bit, pk in enumerate(members) if mask & (1 << bit)]
        services.check_in(household, venues[v], chosen, actor=None, on=DATES[d])
    elif kind == "walk_in":
        _, v, d, adults, babies, first = step
        counts = Counts(adults=adults, children_0=babies, first_visits=first)
        services.record_walk_in(venues[v], counts, actor=None, on=DATES[d])
    elif kind == "tally":
        _, v, d, pairs = step
        counts = Counts(pairs=pairs, adults=pairs, children_1=pairs, fathers=pairs // 3)
        services.record_tally(venues[v], DATES[d], counts, actor=None, source_key=f"s{pairs % 2}")
    else:
        visits = list(Visit.objects.order_by("pk"))
        if visits:
            services.cancel_visit(visits[step[1] % len(visits)], actor=None)


def _rollup_rows() -> dict[tuple, tuple]:
    rows = {}
    for row in VisitMonth.objects.all():
        values = tuple(getattr(row, name) for name in ROLLUP_COLUMNS)
        if any(values):  # a row emptied by cancellations may stay, at zero
            key = (row.venue_id, row.month, row.district_key, row.day_type)
            rows[key] = (row.hub_id, row.registry_hub_id, row.ward_id, row.fiscal_year, *values)
    return rows


def _raw_aggregate() -> dict[tuple, list]:
    """The rollup computed independently from the visit rows."""
    rows: dict[tuple, list] = {}
    for v in Visit.objects.order_by("pk"):
        key = (v.venue_id, v.visited_on.replace(day=1), v.district_id or 0, v.day_type)
        fields = [v.hub_id, v.registry_hub_id, v.ward_id, fiscal_year_of(v.visited_on)]
        row = rows.setdefault(key, [*fields, *([0] * len(ROLLUP_COLUMNS))])
        assert row[:4] == fields
        row[4] += 1
        for offset, name in enumerate(COUNT_FIELDS, start=5):
            row[offset] += getattr(v, name)
        row[-2] += int(v.is_first_of_month)
        row[-1] += int(v.is_first_of_year)
    return rows


def _families_from_visits():
    """Distinct households per (hub group, month) and (hub group, fiscal year), from raw
    visits, against the sums of the rollup's family columns."""
    months, years = defaultdict(set), defaultdict(set)
    for hub, household, on in Visit.objects.filter(household__isnull=False).values_list(
        "registry_hub_id", "household_id", "visited_on"
    ):
        months[(hub, on.replace(day=1))].add(household)
        years[(hub, fiscal_year_of(on))].add(household)
    rolled_months, rolled_years = Counter(), Counter()
    for row in VisitMonth.objects.all():
        rolled_months[(row.registry_hub_id, row.month)] += row.families_in_month
        rolled_years[(row.registry_hub_id, row.fiscal_year)] += row.families_in_year
    raw_months = {key: len(value) for key, value in months.items()}
    raw_years = {key: len(value) for key, value in years.items()}
    return (raw_months, +rolled_months), (raw_years, +rolled_years)


def _check_visits() -> None:
    """Each visit's own facts: the day type of its date, and exactly one first visit per
    family, on its earliest date."""
    first_dates = defaultdict(list)
    earliest = {}
    for v in Visit.objects.order_by("visited_on", "pk"):
        assert v.day_type == services.day_type_of(v.visited_on)
        if v.household_id:
            earliest.setdefault(v.household_id, v.visited_on)
            if v.first_visits:
                first_dates[v.household_id].append(v.visited_on)
    assert {h: [d] for h, d in earliest.items()} == dict(first_dates)


def _snapshot():
    flags = sorted(Visit.objects.values_list("pk", "is_first_of_month", "is_first_of_year"))
    return _rollup_rows(), flags


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operation, min_size=1, max_size=12))
def test_rollup_always_equals_the_raw_aggregate(stage, steps):
    venues, families = stage
    with time_machine.travel("2026-06-01T12:00:00+09:00", tick=False), transaction.atomic():
        for step in steps:
            # Refused input (another hub's family, no adult chosen) changes nothing.
            with contextlib.suppress(VisitError):
                _apply(step, venues, families)
        expected = {key: tuple(value) for key, value in _raw_aggregate().items()}
        assert _rollup_rows() == expected
        (raw_months, rolled_months), (raw_years, rolled_years) = _families_from_visits()
        assert rolled_months == raw_months
        assert rolled_years == raw_years
        _check_visits()
        before = _snapshot()
        rollup.rebuild()
        assert _snapshot() == before
        transaction.set_rollback(True)


def test_rebuild_command_rewrites_the_rollup(stage, capsys):
    venues, families = stage
    with time_machine.travel("2026-06-01T12:00:00+09:00", tick=False):
        household = families[0]
        members = [m.pk for m in household.members.all()]
        services.check_in(household, venues[0], members, actor=None, on=date(2026, 3, 31))
        services.check_in(household, venues[2], members, actor=None, on=date(2026, 4, 1))
        services.record_walk_in(venues[1], Counts(adults=1), actor=None, on=date(2026, 4, 1))
    before = _snapshot()
    VisitMonth.objects.all().delete()
    Visit.objects.update(is_first_of_month=False, is_first_of_year=False)
    call_command("rebuild_visit_rollup")
    assert "Wrote 3 rollup rows" in capsys.readouterr().out
    assert _snapshot() == before
