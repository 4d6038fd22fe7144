"""Demo visits, daily logs and near-misses at the demo hub group, and the benchmark data set.

At scale 1 (``make demo``) the hub group gets two fiscal years of visits up to today: the main
room open Tuesday to Saturday 9:30–16:00 with about 40–80 groups a day (more fathers on
Saturdays), the satellite room on weekdays, two 出張ひろば sessions twice a month, a park
morning once a month (counted as a tally) and a monthly online session; all closed on public
holidays and 12/29–1/3. Registered families come about once a week while their children are
small, new families register at their first visit, and some groups walk in without
registering. Daily logs carry the opening hours (a few days shortened, which the monthly
report flags) and some near-misses. The schedules are in ``demo_history``.

``--scale N`` makes about N times as many visit rows as scale 1 (and N × 300 families), so
seeding time and memory grow linearly (``bench/seed_demo.py``): the history grows to ten
fiscal years (``families.demo.history_years``), then more venues of the hub group get visits
(up to 27, as つどいの広場 sites), then every venue gets busier. ``scale_for_visits(10**7)``
is the ten-million-row data set of ``bench/visits_report.py``, 27 venues × 10 fiscal years:
about 320 in November, between 270 (March) and 530 (early April, when the current fiscal
year has just begun and scale 1 is small).

Rows are written with raw multi-row inserts, with counts, first visits, the first-of-month/
year flags and the monthly rollup computed on the way: what the visit services and
``rollup.rebuild`` produce (``visits/tests/test_demo.py`` checks it). For big loads on
SQLite the indexes are dropped and rebuilt afterwards, inside the seeding transaction.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from django.db import connection

from hiroba.accounts.models import User
from hiroba.core.choices import VenueKind
from hiroba.core.demodata import DemoContext, register
from hiroba.core.models import District, Venue
from hiroba.families.demo import history_start
from hiroba.visits.demo_history import PROFILES, Generator, Place, day_factor, is_open
from hiroba.visits.models import Visit, VisitAttendee

MAX_VENUES = 27
BIG_LOAD = 300_000  # visit rows above which SQLite rebuilds its indexes after the load
# The venues core.demo gives the demo hub group, in (hub kind, sort order): the main room,
# two outreach sites, the park, online, then the satellite's room.
STANDARD = ("room", "centre", "plaza", "park", "online", "satellite")


@cache
def _expected_rows(keys: tuple[str, ...], first: date, today: date) -> float:
    """Visit rows these venues make from ``first`` to ``today`` at density 1."""
    total = 0.0
    day = first
    while day <= today:
        for key in keys:
            if is_open(key, day):
                profile = PROFILES[key]
                total += 1 if profile.tally else profile.groups * day_factor(key, day)
        day += timedelta(days=1)
    return total


@dataclass(frozen=True)
class Plan:
    scale: int
    first_day: date
    extra_venues: int
    density: float
    expected_rows: int


def plan_for(scale: int, today: date) -> Plan:
    """Years first, then venues, then density, so that rows ≈ scale × the scale-1 demo's."""
    unit = _expected_rows(STANDARD, history_start(today, 1), today)
    target = scale * unit
    first = history_start(today, scale)
    base = _expected_rows(STANDARD, first, today)
    extra_one = _expected_rows(("extra",), first, today)
    extra = 0
    if base < target:
        extra = min(MAX_VENUES - len(STANDARD), math.ceil((target - base) / extra_one))
    density = target / (base + extra * extra_one)
    return Plan(scale, first, extra, density, round(target))


def scale_for_visits(rows: int, today: date) -> int:
    """The smallest scale whose data set has about ``rows`` visit rows."""
    unit = _expected_rows(STANDARD, history_start(today, 1), today)
    return max(1, math.ceil(rows / unit))


@register("visits.history", order=40)
def seed_visits(ctx: DemoContext) -> None:
    plan = plan_for(ctx.scale, ctx.today)
    generator = Generator(
        ctx,
        first_day=plan.first_day,
        density=plan.density,
        places=_places(ctx, plan),
        families=ctx.shared.get("demo_families", []),
        districts=list(
            District.objects.filter(ward=ctx.shared["ward"])
            .order_by("sort_order")
            .values_list("pk", flat=True)
        ),
        staff_id=User.objects.filter(email="staff@example.jp").values_list("pk", flat=True).first(),
        attendees_from=history_start(ctx.today, 1),
    )
    big = plan.expected_rows > BIG_LOAD
    with _indexes_rebuilt(Visit, big), _indexes_rebuilt(VisitAttendee, big):
        generator.run()
    counts = generator.counts
    ctx.log(
        f"  visits: {counts['rows']} rows at {len(generator.places)} venues since "
        f"{plan.first_day} (density {plan.density:.2f}), {counts['attendees']} attendees, "
        f"{counts['logs']} daily logs, {counts['incidents']} incidents, "
        f"{counts['rollup']} rollup rows"
    )


def _places(ctx, plan: Plan) -> list[Place]:
    hub, satellite = ctx.shared["hub"], ctx.shared["satellite"]
    standard = list(
        Venue.objects.filter(hub__in=[hub, satellite])
        .select_related("hub")
        .order_by("hub__kind", "sort_order")
    )
    districts = list(District.objects.filter(ward=hub.ward).order_by("sort_order"))
    extra = Venue.objects.bulk_create(
        [
            Venue(
                hub=hub,
                name=f"つどいの広場 {districts[n % len(districts)].name}"
                f" 第{n // len(districts) + 1}会場",
                kind=VenueKind.OUTREACH,
                capacity_pairs=15,
                district=districts[n % len(districts)],
                sort_order=10 + n,
            )
            for n in range(plan.extra_venues)
        ]
    )
    keyed = [*zip(standard, STANDARD, strict=True), *((v, "extra") for v in extra)]
    return [
        Place(
            venue_id=venue.pk,
            hub_id=venue.hub_id,
            registry_id=hub.pk,
            ward_id=hub.ward_id,
            profile=PROFILES[key],
            is_main_room=key == "room",
        )
        for venue, key in keyed
    ]


@contextmanager
def _indexes_rebuilt(model, big: bool):
    """Drop a table's indexes for a big load and create them again afterwards (far faster on
    SQLite than updating a dozen indexes row by row). Only inside a transaction, so that a
    failure rolls the indexes back too; PostgreSQL loads with COPY and keeps its indexes."""
    if not (big and connection.vendor == "sqlite" and connection.in_atomic_block):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL",
            [model._meta.db_table],
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)
