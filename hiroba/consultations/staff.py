"""Staff of a hub for consultations: who can be assigned, who is told of break-glass openings.

A role at a main hub covers its satellites, so both hubs' memberships count."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from hiroba.accounts import rbac
from hiroba.accounts.queries import active_memberships_at
from hiroba.consultations.permissions import RECORD_CONSULTATIONS


def memberships_covering(hub) -> QuerySet:
    """Active memberships at the hub and at its main hub."""
    return active_memberships_at([hub.pk, hub.parent_id] if hub.parent_id else [hub.pk])


def staff_who_record(hub) -> QuerySet:
    user_ids = (
        memberships_covering(hub)
        .filter(role__in=rbac.roles_with(RECORD_CONSULTATIONS))
        .values("user_id")
    )
    return (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .order_by("full_name_kana", "email")
    )
