"""Reads of tenancy data, always restricted to a set of hub (or ward) ids.

The sets come from ``hiroba.accounts.scope``; an empty set returns nothing, so a caller that
forgets to compute the scope sees no rows rather than all of them (fail closed).
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Count, Q, QuerySet

from hiroba.core.models import AuditLog, District, Hub, TownBlock, Venue, Ward


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
