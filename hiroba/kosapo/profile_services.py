"""Writes for a provider's profile: what they offer, their weekly times and the days they are
away. Atomic, audited (ids and counts only), actor keyword-only; a profile edit is
compare-and-set on the member's revision like every other change to the member."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from django.db import transaction

from hiroba.core import audit
from hiroba.core.models import District
from hiroba.kosapo.errors import KosapoError
from hiroba.kosapo.models import KosapoMember, ProviderProfile, Unavailability, WeeklyAvailability
from hiroba.kosapo.services import _locked, _save

PROFILE_FLAGS = (
    "escorts_on_foot",
    "escorts_by_bicycle",
    "escorts_by_car",
    "cares_at_own_home",
    "cares_at_family_home",
    "cares_at_hub",
    "accepts_infants",
    "accepts_siblings",
    "has_pets",
    "smoking_household",
)
MAX_DISTANCE_KM = Decimal("30")


def update_profile(
    member: KosapoMember,
    *,
    flags: dict[str, bool],
    max_distance_km: Decimal,
    districts: list[District],
    weekly: list[tuple[int, time, time]],
    note: str = "",
    actor,
    expected_revision: int | None = None,
) -> ProviderProfile:
    """Replace the provider's profile and weekly times in one step."""
    if not (Decimal("0.1") <= max_distance_km <= MAX_DISTANCE_KM):
        raise KosapoError("distance_range")
    for _weekday, starts, ends in weekly:
        if ends <= starts:
            raise KosapoError("availability_format")
    with transaction.atomic():
        member = _locked(member, expected_revision)
        if not member.provides:
            raise KosapoError("not_a_provider")
        values = {name: bool(flags.get(name)) for name in PROFILE_FLAGS}
        profile, _created = ProviderProfile.objects.update_or_create(
            member=member,
            defaults={**values, "max_distance_km": max_distance_km, "note": note.strip()[:200]},
        )
        ward_id = member.hub.ward_id
        profile.districts.set([d for d in districts if d.ward_id == ward_id])
        WeeklyAvailability.objects.filter(member=member).delete()
        WeeklyAvailability.objects.bulk_create(
            WeeklyAvailability(member=member, weekday=wd, starts=s, ends=e)
            for wd, s, e in sorted(set(weekly))
        )
        _save(member, [])
        audit.record(
            "kosapo.profile.updated",
            actor=actor,
            obj=member,
            payload={"weekly_slots": len(set(weekly)), "districts": profile.districts.count()},
        )
    return profile


def add_unavailability(
    member: KosapoMember, *, starts_on: date, ends_on: date, note: str = "", actor
) -> Unavailability:
    if not member.provides:
        raise KosapoError("not_a_provider")
    if ends_on < starts_on:
        raise KosapoError("dates_order")
    with transaction.atomic():
        away = Unavailability.objects.create(
            member=member, starts_on=starts_on, ends_on=ends_on, note=note.strip()[:100]
        )
        audit.record(
            "kosapo.profile.away_added",
            actor=actor,
            obj=member,
            payload={"from": starts_on.isoformat(), "until": ends_on.isoformat()},
        )
    return away


def remove_unavailability(member: KosapoMember, away_id: int, *, actor) -> bool:
    with transaction.atomic():
        deleted, _rows = Unavailability.objects.filter(member=member, pk=away_id).delete()
        if deleted:
            audit.record(
                "kosapo.profile.away_removed", actor=actor, obj=member, payload={"away": away_id}
            )
    return bool(deleted)
