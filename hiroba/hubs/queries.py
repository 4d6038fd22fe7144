"""Scoped reads for hub administration. Out-of-reach ids answer 404 (see accounts.scope)."""

from __future__ import annotations

from datetime import datetime, time

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from hiroba.accounts.choices import Role
from hiroba.accounts.queries import active_memberships_at
from hiroba.accounts.scope import get_for_user, scope_for
from hiroba.core.models import AuditLog, ClosedDay, District, Hub, Reading, Venue
from hiroba.core.queries import audit_entries_in, districts_in, venues_in
from hiroba.hubs.permissions import VIEW_AUDIT_LOG


def get_hub_for_user(user, hub_id: int, permission: str) -> Hub:
    return get_for_user(
        Hub.objects.select_related("ward__municipality", "operator", "parent"),
        user,
        hub_id,
        permission,
        hub_field="id",
    )


def get_reading_for_user(user, reading_id: int, permission: str) -> Reading:
    return get_for_user(
        Reading.objects.all(),
        user,
        reading_id,
        permission,
        municipality_field="municipality_id",
    )


def get_closure_for_user(user, closure_id: int, permission: str) -> ClosedDay:
    return get_for_user(ClosedDay.objects.select_related("hub"), user, closure_id, permission)


def closures_of(hub: Hub, today) -> QuerySet[ClosedDay]:
    """The hub's closed days from today on (past ones stay in the audit log)."""
    return hub.closures.filter(last_day__gte=today).order_by("first_day")


def get_venue_for_user(user, venue_id: int, permission: str) -> Venue:
    return get_for_user(Venue.objects.select_related("hub", "district"), user, venue_id, permission)


def get_district_for_user(user, district_id: int, permission: str) -> District:
    return get_for_user(
        District.objects.select_related("ward"), user, district_id, permission, ward_field="ward_id"
    )


def venues_of(hub: Hub) -> QuerySet[Venue]:
    return venues_in([hub.pk])


def venues_in_district(district: District, user) -> QuerySet[Venue]:
    """Venues in a district, of the hubs the user reaches (other hubs' sites stay private)."""
    return venues_in(scope_for(user).hub_ids()).filter(district=district)


def districts_of(hub: Hub) -> QuerySet[District]:
    return districts_in([hub.ward_id])


def audit_entries_for_hubs(hub_ids, *, city_wide: bool = False) -> QuerySet[AuditLog]:
    """What a manager of ``hub_ids`` may read: those hubs' entries, ward-level entries of
    their wards, and account events (sign-ins, two-factor) of people while they hold an active
    role there — not what they did before joining or elsewhere."""
    hub_ids = list(hub_ids)
    ward_ids = Hub.objects.filter(pk__in=hub_ids).values("ward_id")
    role_then = (
        active_memberships_at(hub_ids)
        .filter(created_at__lte=OuterRef("created_at"))
        .annotate(user_text=Cast("user_id", CharField()))
        .filter(user_text=OuterRef("object_id"))
    )
    account_events = AuditLog.objects.filter(
        hub__isnull=True, ward__isnull=True, object_type="accounts.user"
    ).filter(Exists(role_then))
    entries = audit_entries_in(hub_ids, ward_ids) | account_events
    if city_wide:  # city administrators also see city-level rows (wards, operators, accounts)
        cities = Hub.objects.filter(pk__in=hub_ids).values("ward__municipality_id")
        entries = entries | AuditLog.objects.filter(
            hub__isnull=True, ward__isnull=True, municipality_id__in=cities
        )
    return entries


def audit_entries_for(hub: Hub, user) -> QuerySet[AuditLog]:
    return audit_entries_for_hubs([hub.pk], city_wide=_is_city_admin_at(user, hub.pk))


def _is_city_admin_at(user, hub_id: int) -> bool:
    return Role.CITY_ADMIN in scope_for(user).roles_at(hub_id)


def filter_audit(
    entries: QuerySet[AuditLog],
    *,
    action: str = "",
    actor_id: int | None = None,
    date_from=None,
    date_to=None,
) -> QuerySet[AuditLog]:
    if action:
        entries = entries.filter(Q(action=action) | Q(action__startswith=action + "."))
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    tz = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(created_at__gte=datetime.combine(date_from, time.min, tz))
    if date_to:
        entries = entries.filter(created_at__lte=datetime.combine(date_to, time.max, tz))
    return entries


def get_audit_entry_for_user(user, entry_id: int) -> AuditLog:
    """404 unless the entry concerns a hub in the user's reach; 403 without the permission."""
    scope = scope_for(user)
    city_wide = Role.CITY_ADMIN in scope.roles
    if (
        not audit_entries_for_hubs(scope.hub_ids(), city_wide=city_wide)
        .filter(pk=entry_id)
        .exists()
    ):
        raise Http404
    allowed = audit_entries_for_hubs(scope.hub_ids(VIEW_AUDIT_LOG), city_wide=city_wide)
    entry = allowed.filter(pk=entry_id).first()
    if entry is None:
        raise PermissionDenied
    return entry
