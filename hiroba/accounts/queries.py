"""Scoped reads of users and memberships."""

from __future__ import annotations

from django.db.models import QuerySet

from hiroba.accounts.models import Membership
from hiroba.accounts.permissions import VIEW_STAFF
from hiroba.accounts.scope import get_for_user, scope_for
from hiroba.core.models import Hub


def memberships_at(hub: Hub) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(hub=hub)
        .select_related("user", "hub")
        .order_by("-is_active", "user__full_name_kana", "user__email", "role")
    )


def get_membership_for_user(user, pk: int, permission: str = VIEW_STAFF) -> Membership:
    """A hub-level membership within the user's reach (404 outside it, 403 without permission)."""
    return get_for_user(Membership.objects.select_related("user", "hub"), user, pk, permission)


def staff_user_ids_in(hub_ids) -> QuerySet:
    return Membership.objects.filter(hub_id__in=hub_ids).values("user_id")


def visible_hub_ids(user) -> frozenset[int]:
    return scope_for(user).hub_ids()
