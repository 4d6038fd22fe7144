"""Who can be assigned to a consultation: active staff who may record consultations here."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from hiroba.accounts import rbac
from hiroba.accounts.queries import active_memberships_at
from hiroba.consultations.permissions import RECORD_CONSULTATIONS


def staff_who_record(hub) -> QuerySet:
    hub_ids = [hub.pk, hub.parent_id] if hub.parent_id else [hub.pk]
    user_ids = (
        active_memberships_at(hub_ids)
        .filter(role__in=rbac.roles_with(RECORD_CONSULTATIONS))
        .values("user_id")
    )
    return (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .order_by("full_name_kana", "email")
    )
