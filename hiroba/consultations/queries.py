"""Scoped reads of consultation records. Lookups by id answer 404 outside the user's reach and
403 without the permission; whether the content may be read is ``access.content_bases``."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from hiroba.accounts import rbac
from hiroba.accounts.choices import ROLE_LEVEL, ScopeLevel
from hiroba.accounts.scope import get_for_user, scope_for
from hiroba.consultations.choices import OPEN_REFERRAL_STATUSES
from hiroba.consultations.models import (
    AccessReview,
    Agency,
    BreakGlassOpening,
    Consultation,
    ConsultationTopic,
    Referral,
)
from hiroba.consultations.permissions import MANAGE_AGENCIES
from hiroba.core import audit
from hiroba.core.models import AuditLog, Hub, Ward

READ_ACTIONS = (
    "consultations.consultation.viewed",
    "consultations.consultation.listed",
    "consultations.break_glass.opened",
    "consultations.break_glass.reasons_viewed",
)


def _consultations() -> QuerySet[Consultation]:
    return Consultation.objects.select_related(
        "hub__ward__municipality", "author", "household"
    ).prefetch_related("assigned_staff", "topics")


def consultations_of(hub: Hub) -> QuerySet[Consultation]:
    return _consultations().filter(hub=hub)


def filter_consultations(
    consultations: QuerySet[Consultation],
    *,
    since: date | None = None,
    until: date | None = None,
    channel: str = "",
    open_follow_up: bool = False,
    case_number: int | None = None,
) -> QuerySet[Consultation]:
    tz = timezone.get_current_timezone()
    if since:
        consultations = consultations.filter(
            happened_at__gte=datetime.combine(since, time.min, tzinfo=tz)
        )
    if until:
        consultations = consultations.filter(
            happened_at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz)
        )
    if channel:
        consultations = consultations.filter(channel=channel)
    if open_follow_up:
        consultations = consultations.open_follow_ups()
    if case_number:
        consultations = consultations.filter(case_number=case_number)
    return consultations


def get_consultation_for_user(user, pk, permission: str) -> Consultation:
    return get_for_user(_consultations(), user, pk, permission)


def get_referral_for_user(user, pk, permission: str) -> Referral:
    queryset = Referral.objects.select_related(
        "consultation__hub__ward", "agency", "consultation__author"
    ).prefetch_related("consultation__assigned_staff")
    return get_for_user(queryset, user, pk, permission, hub_field="consultation__hub_id")


def get_opening_for_user(user, pk, permission: str) -> BreakGlassOpening:
    queryset = BreakGlassOpening.objects.select_related("consultation", "user", "hub")
    return get_for_user(queryset, user, pk, permission)


def referrals_of(consultation: Consultation) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(consultation=consultation)
        .select_related("agency", "consent_recorded_by")
        .prefetch_related(Prefetch("events"))
    )


def topics_for(municipality_id: int) -> QuerySet[ConsultationTopic]:
    return ConsultationTopic.objects.filter(municipality_id=municipality_id, is_active=True)


# -- agencies -----------------------------------------------------------------------------------
def agencies_for(hub: Hub, *, active_only: bool = True) -> QuerySet[Agency]:
    agencies = Agency.objects.filter(
        Q(ward__isnull=True) | Q(ward_id=hub.ward_id), municipality_id=hub.ward.municipality_id
    ).select_related("ward")
    return agencies.filter(is_active=True) if active_only else agencies


def wards_for_agencies(hub: Hub, *, city_wide: bool) -> QuerySet[Ward]:
    """The wards an agency may be put under: the hub's own, or every ward of the city."""
    wards = Ward.objects.filter(municipality_id=hub.ward.municipality_id)
    return wards if city_wide else wards.filter(pk=hub.ward_id)


def _city_level_cities(user, permission: str | None = None) -> set[int]:
    """Cities where the user holds a city-level role (with ``permission``). A hub role also
    "reaches" its city in the scope, which is not enough for city-wide lists."""
    scope = scope_for(user)
    allowed = rbac.roles_with(permission) if permission else frozenset(scope.held)
    return {
        city
        for role in scope.held
        if ROLE_LEVEL[role] == ScopeLevel.MUNICIPALITY and role in allowed
        for city in scope.cities_by_role.get(role, ())
    }


def may_manage_city_wide(user, municipality_id: int) -> bool:
    """May the user keep the city's own (city-wide) agencies?"""
    return municipality_id in _city_level_cities(user, MANAGE_AGENCIES)


def may_manage_agency(user, agency: Agency) -> bool:
    """City-wide agencies are the city's to edit; a ward's agencies also its hub managers'."""
    scope = scope_for(user)
    if may_manage_city_wide(user, agency.municipality_id):
        return True
    if agency.ward_id is None:
        return False
    hubs = Hub.objects.filter(ward_id=agency.ward_id).values_list("pk", flat=True)
    return any(scope.can(MANAGE_AGENCIES, hub_id=hub_id) for hub_id in hubs)


def get_agency_for_user(user, pk, permission: str = MANAGE_AGENCIES) -> Agency:
    """An agency in reach: city-wide ones of the user's cities, ward ones of the user's wards
    (every ward of a city for city-level roles); 404 outside, 403 without the right."""
    scope = scope_for(user)
    hubs = Hub.objects.filter(pk__in=scope.hub_ids()).select_related("ward")
    cities = {hub.ward.municipality_id for hub in hubs}
    wards = {hub.ward_id for hub in hubs}
    agency = (
        Agency.objects.filter(pk=pk, municipality_id__in=cities)
        .filter(
            Q(ward__isnull=True)
            | Q(ward_id__in=wards)
            | Q(municipality_id__in=_city_level_cities(user))
        )
        .select_related("ward", "municipality")
        .first()
    )
    if agency is None:
        raise Http404
    if not may_manage_agency(user, agency):
        raise PermissionDenied
    return agency


# -- follow-ups ---------------------------------------------------------------------------------
def follow_ups_due(hub: Hub, *, until: date) -> QuerySet[Consultation]:
    return (
        Consultation.objects.filter(hub=hub, follow_up_on__lte=until)
        .open_follow_ups()
        .defer("summary")
        .select_related("author")
        .prefetch_related("assigned_staff")
        .order_by("follow_up_on", "pk")
    )


def referral_follow_ups_due(hub: Hub, *, until: date) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(
            consultation__hub=hub, status__in=OPEN_REFERRAL_STATUSES, follow_up_on__lte=until
        )
        .select_related("consultation__author", "agency")
        .prefetch_related("consultation__assigned_staff")
        .defer("reason", "feedback", "consultation__summary")
        .order_by("follow_up_on", "pk")
    )


# -- access review ------------------------------------------------------------------------------
def month_bounds(month: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(following, time.min, tzinfo=tz),
    )


def reads_in_month(hub: Hub, month: date) -> list[dict]:
    """Who read consultation content at the hub in the month: one row per person and action."""
    start, end = month_bounds(month)
    rows = list(
        AuditLog.objects.filter(
            hub=hub, action__in=READ_ACTIONS, created_at__gte=start, created_at__lt=end
        )
        .values("actor_id", "actor_label", "action")
        .annotate(count=Count("pk"))
        .order_by("actor_label", "action")
    )
    for row in rows:
        row["label"] = audit.action_label(row["action"])
    return rows


def openings_in_month(hub: Hub, month: date) -> QuerySet[BreakGlassOpening]:
    start, end = month_bounds(month)
    return BreakGlassOpening.objects.filter(
        hub=hub, opened_at__gte=start, opened_at__lt=end
    ).select_related("consultation", "user", "acknowledged_by")


def unacknowledged_openings(hub: Hub) -> QuerySet[BreakGlassOpening]:
    return BreakGlassOpening.objects.filter(hub=hub, acknowledged_at__isnull=True).select_related(
        "consultation", "user"
    )


def review_of(hub: Hub, month: date) -> AccessReview | None:
    return (
        AccessReview.objects.filter(hub=hub, month=month.replace(day=1))
        .select_related("reviewed_by")
        .first()
    )
