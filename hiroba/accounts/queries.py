"""Scoped reads of users and memberships."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from hiroba.accounts import rbac
from hiroba.accounts.choices import MFA_REQUIRED_ROLES
from hiroba.accounts.models import Membership
from hiroba.accounts.permissions import VIEW_STAFF
from hiroba.accounts.scope import get_for_user, scope_for
from hiroba.core.models import Hub, Municipality, Ward


def memberships_at(hub: Hub) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(hub=hub)
        .select_related("user", "hub")
        .order_by("-is_active", "user__full_name_kana", "user__email", "role")
    )


def get_membership_for_user(user, pk: int, permission: str = VIEW_STAFF) -> Membership:
    """A hub-level membership within the user's reach (404 outside it, 403 without permission)."""
    return get_for_user(Membership.objects.select_related("user", "hub"), user, pk, permission)


def other_roles_in_reach(membership: Membership, viewer) -> QuerySet[Membership]:
    """The person's other hub roles that the viewer may see (roles elsewhere stay private)."""
    return (
        Membership.objects.filter(
            user=membership.user_id, hub_id__in=scope_for(viewer).hub_ids(VIEW_STAFF)
        )
        .exclude(pk=membership.pk)
        .select_related("hub")
    )


def active_memberships_at(hub_ids) -> QuerySet[Membership]:
    return Membership.objects.active().filter(hub_id__in=hub_ids)


def memberships_covering(hub: Hub) -> QuerySet[Membership]:
    """Active memberships at the hub and at its main hub (a main hub's role covers its
    satellites)."""
    return active_memberships_at([hub.pk, hub.parent_id] if hub.parent_id else [hub.pk])


def staff_with(hub: Hub, permission: str) -> QuerySet:
    """Active people whose role at the hub (or its main hub) carries ``permission``: who can
    be assigned a record, hold a slot or take a case."""
    user_ids = memberships_covering(hub).filter(role__in=rbac.roles_with(permission))
    return (
        get_user_model()
        .objects.filter(pk__in=user_ids.values("user_id"), is_active=True)
        .order_by("full_name_kana", "email")
    )


def locked_emails(emails: list[str]) -> set[str]:
    """Which of these accounts are locked after failed sign-ins right now (django-axes)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            username__in=emails,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    )


def user_ids_with_totp(user_ids) -> set[int]:
    return set(
        Authenticator.objects.filter(
            user_id__in=user_ids, type=Authenticator.Type.TOTP
        ).values_list("user_id", flat=True)
    )


def account_rows(memberships: list[Membership]) -> list[dict]:
    """Memberships with their account's lockout and two-factor state, in two queries."""
    locked = locked_emails([m.user.email for m in memberships])
    with_mfa = user_ids_with_totp([m.user_id for m in memberships])
    return [
        {"membership": m, "locked": m.user.email in locked, "mfa": m.user_id in with_mfa}
        for m in memberships
    ]


def staff_summary(hub: Hub) -> dict:
    """People with an active role at ``hub``, by role, and how many of those who must use
    two-factor authentication have not set it up."""
    active = active_memberships_at([hub.pk])
    by_role = dict(active.order_by().values_list("role").annotate(n=Count("id")))
    needs_mfa = active.filter(role__in=[r.value for r in MFA_REQUIRED_ROLES]).values("user_id")
    with_totp = Authenticator.objects.filter(type=Authenticator.Type.TOTP).values("user_id")
    missing = needs_mfa.exclude(user_id__in=with_totp).values("user_id").distinct().count()
    return {
        "by_role": by_role,
        "total": active.values("user_id").distinct().count(),
        "missing_mfa": missing,
    }


def people_ever_at(hub: Hub) -> list[tuple[int, str]]:
    """(user id, name) of everyone who has had a role at ``hub``, for filters over past records."""
    return list(
        Membership.objects.filter(hub=hub)
        .values_list("user_id", "user__full_name")
        .distinct()
        .order_by("user__full_name")
    )


def _city_level(queryset):
    return queryset.filter(hub__isnull=True).annotate(
        city_id=Coalesce("municipality_id", "ward__municipality_id")
    )


def city_memberships(user, permission: str) -> QuerySet[Membership]:
    """Ward officials and city administrators of the cities where ``user`` has ``permission``."""
    cities = scope_for(user).municipality_ids(permission)
    return (
        _city_level(Membership.objects.select_related("user", "ward", "municipality"))
        .filter(city_id__in=cities)
        .order_by("-is_active", "role", "ward__code", "user__full_name_kana")
    )


def get_city_membership_for_user(user, pk: int, permission: str) -> Membership:
    """A ward- or city-level membership: 404 outside the user's cities, 403 without permission."""
    queryset = _city_level(Membership.objects.select_related("user", "ward", "municipality"))
    return get_for_user(queryset, user, pk, permission, municipality_field="city_id")


def administered_cities(user, permission: str) -> list[Municipality]:
    return list(Municipality.objects.filter(pk__in=scope_for(user).municipality_ids(permission)))


def wards_of(cities) -> QuerySet[Ward]:
    return Ward.objects.filter(municipality__in=cities).select_related("municipality")
