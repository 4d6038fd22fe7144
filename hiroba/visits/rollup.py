"""The monthly rollup (``VisitMonth``) and the first-of-month/year flags, kept in step with the
visits inside the same transaction.

Rules (the property test in tests/test_rollup.py checks them against the raw visits):
- each ``VisitMonth`` row holds the sums of ``COUNT_FIELDS`` and the number of visit rows of one
  venue, month, district and day type;
- of a household's visits in its hub group, exactly the earliest of each calendar month has
  ``is_first_of_month`` and the earliest of each fiscal year ``is_first_of_year`` (by date, then
  id); ``families_in_month``/``families_in_year`` sum those flags.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth

from hiroba.lib.fiscal import fiscal_year_bounds, fiscal_year_of
from hiroba.visits.models import COUNT_FIELDS, Visit, VisitMonth


def month_start(d: date) -> date:
    return d.replace(day=1)


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _key(visit: Visit) -> dict:
    return {
        "venue_id": visit.venue_id,
        "month": month_start(visit.visited_on),
        "district_key": visit.district_id or 0,
        "day_type": visit.day_type,
    }


def _row(visit: Visit) -> VisitMonth:
    key = _key(visit)
    row = VisitMonth.objects.filter(**key).first()
    if row is not None:
        return row
    defaults = {
        "hub_id": visit.hub_id,
        "registry_hub_id": visit.registry_hub_id,
        "ward_id": visit.ward_id,
        "district_id": visit.district_id,
        "fiscal_year": fiscal_year_of(visit.visited_on),
    }
    try:
        with transaction.atomic():  # a concurrent first visit of the month may create it too
            return VisitMonth.objects.create(**key, **defaults)
    except IntegrityError:
        return VisitMonth.objects.get(**key)


def apply(visit: Visit, sign: int) -> None:
    """Add (sign=1) or remove (sign=-1) a visit's counts and flags to its rollup row."""
    deltas = {name: F(name) + sign * getattr(visit, name) for name in COUNT_FIELDS}
    deltas["visits"] = F("visits") + sign
    deltas["families_in_month"] = F("families_in_month") + sign * int(visit.is_first_of_month)
    deltas["families_in_year"] = F("families_in_year") + sign * int(visit.is_first_of_year)
    VisitMonth.objects.filter(pk=_row(visit).pk).update(**deltas)


def _flag_delta(visit: Visit, flag: str, value: bool) -> None:
    column = "families_in_month" if flag == "is_first_of_month" else "families_in_year"
    VisitMonth.objects.filter(pk=_row(visit).pk).update(
        **{column: F(column) + (1 if value else -1)}
    )
    Visit.objects.filter(pk=visit.pk).update(**{flag: value})
    setattr(visit, flag, value)


def _refresh(visits: list[Visit], flag: str) -> None:
    for position, visit in enumerate(visits):
        wanted = position == 0
        if getattr(visit, flag) != wanted:
            _flag_delta(visit, flag, wanted)


def refresh_flags(household_id: int | None, registry_hub_id: int, on: date) -> None:
    """Recompute the household's first-of-month and first-of-year flags around ``on``.
    Call with the household row locked (check-in does)."""
    if household_id is None:
        return
    mine = Visit.objects.filter(household_id=household_id, registry_hub_id=registry_hub_id)
    start = month_start(on)
    in_month = mine.filter(visited_on__gte=start, visited_on__lt=_next_month(start))
    _refresh(list(in_month.order_by("visited_on", "pk")), "is_first_of_month")
    first, last = fiscal_year_bounds(fiscal_year_of(on))
    in_year = mine.filter(visited_on__gte=first, visited_on__lte=last)
    _refresh(list(in_year.order_by("visited_on", "pk")), "is_first_of_year")


@transaction.atomic
def rebuild(venue_ids: list[int] | None = None) -> int:
    """Recompute flags and rollup rows from the raw visits (``manage.py rebuild_visit_rollup``).
    Returns the number of rollup rows written."""
    visits = Visit.objects.all()
    rows = VisitMonth.objects.all()
    if venue_ids is not None:
        visits = visits.filter(venue_id__in=venue_ids)
        rows = rows.filter(venue_id__in=venue_ids)
    _rebuild_flags(visits)
    rows.delete()
    return _rebuild_rows(visits)


def _rebuild_flags(visits) -> None:
    visits.update(is_first_of_month=False, is_first_of_year=False)
    seen_month: set[tuple] = set()
    seen_year: set[tuple] = set()
    first_month: list[int] = []
    first_year: list[int] = []
    ordered = (
        visits.filter(household__isnull=False)
        .order_by("visited_on", "pk")
        .values_list("pk", "household_id", "registry_hub_id", "visited_on")
    )
    for pk, household, hub, visited_on in ordered.iterator(chunk_size=10_000):
        month = (household, hub, visited_on.year, visited_on.month)
        year = (household, hub, fiscal_year_of(visited_on))
        if month not in seen_month:
            seen_month.add(month)
            first_month.append(pk)
        if year not in seen_year:
            seen_year.add(year)
            first_year.append(pk)
    for chunk in _chunks(first_month):
        Visit.objects.filter(pk__in=chunk).update(is_first_of_month=True)
    for chunk in _chunks(first_year):
        Visit.objects.filter(pk__in=chunk).update(is_first_of_year=True)


def _chunks(ids: list[int], size: int = 900):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _rebuild_rows(visits) -> int:
    sums = {name: Sum(name) for name in COUNT_FIELDS}
    grouped = (
        visits.annotate(m=TruncMonth("visited_on"))
        .values("venue_id", "hub_id", "registry_hub_id", "ward_id", "m", "district_id", "day_type")
        .annotate(
            n=Count("pk"),
            fm=Count("pk", filter=Q(is_first_of_month=True)),
            fy=Count("pk", filter=Q(is_first_of_year=True)),
            **sums,
        )
        .order_by()
    )
    batch = []
    for g in grouped.iterator(chunk_size=5_000):
        month = g["m"] if isinstance(g["m"], date) else g["m"].date()
        batch.append(
            VisitMonth(
                venue_id=g["venue_id"],
                hub_id=g["hub_id"],
                registry_hub_id=g["registry_hub_id"],
                ward_id=g["ward_id"],
                month=month,
                fiscal_year=fiscal_year_of(month),
                district_id=g["district_id"],
                district_key=g["district_id"] or 0,
                day_type=g["day_type"],
                visits=g["n"],
                families_in_month=g["fm"],
                families_in_year=g["fy"],
                **{name: g[name] or 0 for name in COUNT_FIELDS},
            )
        )
    VisitMonth.objects.bulk_create(batch, batch_size=2_000)
    return len(batch)
