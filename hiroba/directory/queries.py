"""Reads of the directory: scoped by id for staff, and the published entries for the portal,
filtered the way parents look for a place (category, age, district, amenities, near me)."""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q, QuerySet
from django.http import Http404

from hiroba.core.models import District, Hub
from hiroba.directory.categories import directory_rules
from hiroba.directory.choices import (
    AGE_BAND_MONTHS,
    AMENITY_FIELDS,
    AgeBand,
    ResourceStatus,
    SuggestionStatus,
)
from hiroba.directory.models import Resource, ResourceSuggestion
from hiroba.families.queries import registry_hub_ids
from hiroba.families.services import registry_hub
from hiroba.lib.kana import to_hiragana
from hiroba.lib.text import clean_text

EARTH_RADIUS_KM = 6371.0


def may(user, permission: str, hub: Hub) -> bool:
    """Whether ``user`` holds ``permission`` for the directory ``hub`` keeps: staff of its
    satellites count, since a satellite keeps its places in its main hub's directory."""
    return registry_hub(hub).pk in registry_hub_ids(user, permission)


def _scoped(queryset, user, pk, permission):
    """404 outside every directory the user reaches, 403 without the permission (satellites
    reach their main hub's, as in ``families.queries``)."""
    reach = registry_hub_ids(user)
    row = queryset.filter(pk=pk, hub_id__in=reach).first() if reach else None
    if row is None:
        raise Http404
    if row.hub_id not in registry_hub_ids(user, permission):
        raise PermissionDenied
    return row


def get_resource_for_user(user, resource_id: int, permission: str) -> Resource:
    queryset = Resource.objects.select_related("hub__ward__municipality", "district", "verified_by")
    return _scoped(queryset, user, resource_id, permission)


def get_suggestion_for_user(user, suggestion_id: int, permission: str) -> ResourceSuggestion:
    queryset = ResourceSuggestion.objects.select_related(
        "hub__ward__municipality", "resource", "decided_by"
    )
    return _scoped(queryset, user, suggestion_id, permission)


def reverify_months(hub: Hub) -> int:
    return int(directory_rules(hub.ward.municipality)["reverify_after_months"])


def stale_before(today: date, months: int) -> date:
    """Entries verified before this day (or never) need verifying again."""
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def stale_filter(today: date, months: int) -> Q:
    return Q(verified_on__isnull=True) | Q(verified_on__lte=stale_before(today, months))


@dataclass
class StaffFilters:
    category: str = ""
    text: str = ""
    stale_only: bool = False
    status: str = ""


def staff_resources(hub: Hub, filters: StaffFilters, *, today: date) -> QuerySet[Resource]:
    owner = registry_hub(hub)
    rows = Resource.objects.filter(hub=owner).select_related("district", "verified_by")
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.stale_only:
        rows = rows.filter(stale_filter(today, reverify_months(owner)))
    if filters.text:
        rows = rows.filter(_text_filter(filters.text))
    return rows


def stale_count(hub: Hub, *, today: date) -> int:
    owner = registry_hub(hub)
    return Resource.objects.filter(
        stale_filter(today, reverify_months(owner)), hub=owner, status=ResourceStatus.PUBLISHED
    ).count()


def pending_suggestions(hub: Hub) -> QuerySet[ResourceSuggestion]:
    return ResourceSuggestion.objects.filter(
        hub=registry_hub(hub), status=SuggestionStatus.PENDING
    ).select_related("resource")


def decided_suggestions(hub: Hub, limit: int = 30) -> list[ResourceSuggestion]:
    rows = ResourceSuggestion.objects.filter(hub=registry_hub(hub)).exclude(
        status=SuggestionStatus.PENDING
    )
    return list(rows.select_related("resource", "decided_by").order_by("-decided_at")[:limit])


def _text_filter(text: str) -> Q:
    words = clean_text(text).split()
    condition = Q()
    for word in words:
        kana = to_hiragana(word)
        condition &= (
            Q(name__icontains=word)
            | Q(name_kana__icontains=kana)
            | Q(name_kana__icontains=word)
            | Q(address__icontains=word)
            | Q(description__icontains=word)
        )
    return condition


# -- the portal ------------------------------------------------------------------------------------
@dataclass
class PublicFilters:
    text: str = ""
    category: str = ""
    age: str = ""
    district_id: int | None = None
    ward_id: int | None = None
    hub_id: int | None = None
    amenities: list[str] = field(default_factory=list)
    near: tuple[float, float] | None = None


@dataclass(frozen=True)
class Found:
    resource: Resource
    distance_km: float | None = None


def published(hub_ids) -> QuerySet[Resource]:
    return Resource.objects.filter(hub_id__in=hub_ids, status=ResourceStatus.PUBLISHED)


def public_resources(hub_ids, filters: PublicFilters) -> list[Found]:
    """The published entries of the given (public, main) hubs matching ``filters``; nearest
    first when the phone told where it is, else by name."""
    rows = published(hub_ids).select_related("district", "hub")
    if filters.hub_id:
        rows = rows.filter(hub_id=filters.hub_id)
    if filters.ward_id:
        rows = rows.filter(hub__ward_id=filters.ward_id)
    if filters.district_id:
        rows = rows.filter(district_id=filters.district_id)
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.text:
        rows = rows.filter(_text_filter(filters.text))
    if filters.age:
        rows = rows.filter(_age_filter(filters.age))
    for amenity in filters.amenities:
        rows = rows.filter(**{AMENITY_FIELDS[amenity]: True})
    found = [Found(r, _distance(r, filters.near)) for r in rows]
    if filters.near:
        found.sort(key=lambda f: (f.distance_km is None, f.distance_km or 0, f.resource.name))
    return found


def _age_filter(band: str) -> Q:
    if band == AgeBand.EXPECTING:
        return Q(for_expecting=True)
    first, last = AGE_BAND_MONTHS[band]
    starts_in_time = Q(target_age_min_months__isnull=True) | Q(target_age_min_months__lte=last)
    ends_after = Q(target_age_max_months__isnull=True) | Q(target_age_max_months__gte=first)
    return starts_in_time & ends_after


def _distance(resource: Resource, near: tuple[float, float] | None) -> float | None:
    if near is None or not resource.has_location:
        return None
    return haversine_km(near, (float(resource.latitude), float(resource.longitude)))


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def public_resource(hub_ids, resource_id: int) -> Resource | None:
    return published(hub_ids).select_related("hub", "district").filter(pk=resource_id).first()


def district_names(ward_ids) -> list[tuple[int, str]]:
    return list(
        District.objects.filter(ward_id__in=ward_ids).order_by("pk").values_list("pk", "name")
    )


def last_change(hub_ids) -> tuple[int, object]:
    """(count, newest update) of the published entries: the feeds' ETag and Last-Modified."""
    rows = published(hub_ids)
    return rows.count(), rows.aggregate(newest=Max("updated_at"))["newest"]
