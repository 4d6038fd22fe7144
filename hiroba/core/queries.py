"""Reads of tenancy data, always restricted to a set of hub (or ward) ids.

The sets come from ``hiroba.accounts.scope``; an empty set returns nothing, so a caller that
forgets to compute the scope sees no rows rather than all of them (fail closed).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet

from hiroba.core.models import (
    AuditLog,
    ClosedDay,
    District,
    Hub,
    Reading,
    TownBlock,
    Venue,
    Ward,
)
from hiroba.core.opening import LOOK_AHEAD_DAYS, HubCalendar, calendar_from


def venues_in(hub_ids: Collection[int]) -> QuerySet[Venue]:
    return Venue.objects.filter(hub_id__in=hub_ids).select_related("hub", "district")


def districts_in(ward_ids: Collection[int]) -> QuerySet[District]:
    return (
        District.objects.filter(ward_id__in=ward_ids)
        .select_related("ward")
        .annotate(town_block_count=Count("town_blocks"))
    )


def town_blocks_of(district: District) -> QuerySet[TownBlock]:
    return TownBlock.objects.filter(district=district).order_by("key")


def town_block_mapping(ward: Ward) -> list[tuple[str, str]]:
    """(町丁, 地区) pairs of a ward, for the CSV export."""
    return list(
        TownBlock.objects.filter(ward=ward)
        .order_by("district__sort_order", "key")
        .values_list("key", "district__name")
    )


def audit_entries_in(
    hub_ids: Collection[int], ward_ids: Collection[int] = ()
) -> QuerySet[AuditLog]:
    """Entries of the given hubs, plus ward-level entries (no hub) of the given wards."""
    return AuditLog.objects.filter(
        Q(hub_id__in=hub_ids) | Q(hub__isnull=True, ward_id__in=ward_ids)
    ).select_related("hub", "actor")


def public_hubs() -> QuerySet[Hub]:
    """Hubs shown on the public portal."""
    return (
        Hub.objects.filter(is_active=True)
        .select_related("ward__municipality", "operator")
        .prefetch_related("venues")
        .order_by("ward__code", "kind", "name")
    )


READINGS_CACHE_KEY = "core:furigana-readings"
READINGS_CACHE_SECONDS = 60  # other app servers' caches see a change within a minute


def furigana_readings() -> dict[str, str]:
    """Every municipality's corrected readings (word → reading) for the portal's furigana. A
    word is read the same everywhere; the portal pages may show several cities' hubs."""
    readings = cache.get(READINGS_CACHE_KEY)
    if readings is None:
        readings = dict(Reading.objects.order_by("municipality_id").values_list("word", "reading"))
        cache.set(READINGS_CACHE_KEY, readings, READINGS_CACHE_SECONDS)
    return readings


def readings_of(municipality_id: int) -> QuerySet[Reading]:
    return Reading.objects.filter(municipality_id=municipality_id).select_related("updated_by")


def with_opening(hubs: QuerySet[Hub], today: date) -> QuerySet[Hub]:
    """Hubs with their weekly times and the closures of the coming two weeks, read in two
    queries for the whole list (``opening_calendar`` then needs none)."""
    soon = ClosedDay.objects.filter(
        last_day__gte=today, first_day__lte=today + timedelta(days=LOOK_AHEAD_DAYS)
    )
    return hubs.prefetch_related(
        "opening_periods", Prefetch("closures", queryset=soon, to_attr="closures_soon")
    )


def opening_calendar(hub: Hub, today: date) -> HubCalendar:
    closures = getattr(hub, "closures_soon", None)
    if closures is None:
        closures = hub.closures.filter(last_day__gte=today)
    rules = hub.ward.municipality.rules("hub", on=today)
    return calendar_from(hub.opening_periods.all(), closures, rules)
