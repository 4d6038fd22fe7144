"""Writes to the tenancy models. Each function is atomic, audited and takes the actor by keyword.

Callers have already checked permissions (the views use ``hiroba.accounts.permissions``); the
services re-check what the data itself must satisfy.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from hiroba.core import audit
from hiroba.core.categories import SECTIONS, section_categories
from hiroba.core.models import (
    ClosedDay,
    District,
    Hub,
    Municipality,
    OpeningPeriod,
    Reading,
    TownBlock,
    Venue,
    Ward,
)
from hiroba.core.models.opening import PUBLIC_HOLIDAY
from hiroba.core.queries import READINGS_CACHE_KEY

HUB_EDITABLE_FIELDS = (
    "name",
    "name_kana",
    "postal_code",
    "address",
    "phone",
    "email",
    "opening_hours",
    "opened_on",
    "contract_start_fiscal_year",
    "contract_term_years",
)
VENUE_EDITABLE_FIELDS = (
    "name",
    "kind",
    "district",
    "postal_code",
    "address",
    "capacity_pairs",
    "sort_order",
)


class TenancyError(Exception):
    """A rule about hubs, venues or districts was broken; the message is for the user."""


def _apply(instance, values: dict[str, Any], allowed: Iterable[str]) -> list[str]:
    allowed = set(allowed)
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    changed = audit.changed_fields(instance, values)
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def save_changes(
    instance, values: dict[str, Any], *, allowed: Iterable[str], action: str, actor
) -> list[str]:
    """Set the fields that differ, validate, save only those and record ``action`` with their
    names. Nothing is written or recorded when nothing changed. Call inside a transaction."""
    changed = _apply(instance, values, allowed)
    if changed:
        instance.full_clean()
        instance.save(update_fields=changed)
        audit.record(action, actor=actor, obj=instance, payload={"fields": changed})
    return changed


def copy_saved(stale, current) -> None:
    """Give the caller's copy of a row the values saved under the lock (``select_for_update``
    loads a second instance; the caller still holds the first)."""
    for model_field in type(current)._meta.concrete_fields:
        setattr(stale, model_field.attname, getattr(current, model_field.attname))


@transaction.atomic
def update_hub(hub: Hub, *, actor, **values) -> Hub:
    save_changes(hub, values, allowed=HUB_EDITABLE_FIELDS, action="core.hub.updated", actor=actor)
    return hub


def _check_venue_district(hub: Hub, district: District | None) -> None:
    if district is not None and district.ward_id != hub.ward_id:
        raise TenancyError(_("The district must be in the hub's ward."))


@transaction.atomic
def create_venue(hub: Hub, *, actor, **values) -> Venue:
    _check_venue_district(hub, values.get("district"))
    venue = Venue(hub=hub)
    _apply(venue, values, VENUE_EDITABLE_FIELDS)
    venue.full_clean()
    venue.save()
    audit.record("core.venue.created", actor=actor, obj=venue, hub=hub)
    return venue


@transaction.atomic
def update_venue(venue: Venue, *, actor, **values) -> Venue:
    _check_venue_district(venue.hub, values.get("district", venue.district))
    save_changes(
        venue, values, allowed=VENUE_EDITABLE_FIELDS, action="core.venue.updated", actor=actor
    )
    return venue


@transaction.atomic
def set_venue_active(venue: Venue, active: bool, *, actor) -> Venue:
    # Compare-and-set so that two clicks record one change.
    updated = Venue.objects.filter(pk=venue.pk, is_active=not active).update(is_active=active)
    venue.is_active = active
    if updated:
        action = "core.venue.reactivated" if active else "core.venue.deactivated"
        audit.record(action, actor=actor, obj=venue)
    return venue


@transaction.atomic
def create_district(ward: Ward, *, actor, name: str, sort_order: int = 0) -> District:
    district = District(ward=ward, name=name, sort_order=sort_order)
    district.full_clean()
    district.save()
    audit.record("core.district.created", actor=actor, obj=district, ward=ward)
    return district


@transaction.atomic
def update_district(district: District, *, actor, name: str, sort_order: int) -> District:
    save_changes(
        district,
        {"name": name, "sort_order": sort_order},
        allowed=("name", "sort_order"),
        action="core.district.updated",
        actor=actor,
    )
    return district


@dataclass
class TownBlockPlan:
    """What an import will do, computed before anything is written (shown as a preview)."""

    mapping: dict[str, str]  # town block key -> district name
    replace: bool
    new_districts: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    moved: list[tuple[str, str, str]] = field(default_factory=list)  # key, from, to
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.new_districts or self.added or self.moved or self.removed)


def _current_mapping(ward: Ward) -> dict[str, str]:
    return dict(TownBlock.objects.filter(ward=ward).values_list("key", "district__name"))


def town_block_fingerprint(ward: Ward) -> str:
    """A short digest of the ward's current mapping, so that an import confirmed from a preview
    is refused when the mapping changed in between (someone else imported meanwhile)."""
    items = sorted(_current_mapping(ward).items())
    return hashlib.sha256(json.dumps(items, ensure_ascii=False).encode()).hexdigest()[:16]


def plan_town_block_import(ward: Ward, mapping: dict[str, str], *, replace: bool) -> TownBlockPlan:
    existing = _current_mapping(ward)
    known_districts = set(District.objects.filter(ward=ward).values_list("name", flat=True))
    plan = TownBlockPlan(mapping=mapping, replace=replace)
    plan.new_districts = sorted(set(mapping.values()) - known_districts)
    for key, district in sorted(mapping.items()):
        if key not in existing:
            plan.added.append(key)
        elif existing[key] != district:
            plan.moved.append((key, existing[key], district))
        else:
            plan.unchanged += 1
    if replace:
        plan.removed = sorted(set(existing) - set(mapping))
    return plan


@transaction.atomic
def import_town_blocks(
    ward: Ward,
    mapping: dict[str, str],
    *,
    actor,
    replace: bool,
    expected_fingerprint: str | None = None,
) -> TownBlockPlan:
    """Apply a 町丁 → 地区 mapping for ``ward`` in one transaction (all rows or none).

    With ``replace`` the file is the whole mapping and town blocks missing from it are removed;
    otherwise rows are added or moved and the rest is kept. Imports of one ward queue up behind
    the ward's row; ``expected_fingerprint`` (from the preview) must still match.
    """
    Ward.objects.select_for_update(no_key=True).only("pk").get(pk=ward.pk)
    if expected_fingerprint is not None and town_block_fingerprint(ward) != expected_fingerprint:
        raise TenancyError(
            _(
                "The mapping was changed by someone else after your preview. "
                "Please check the file again."
            )
        )
    plan = plan_town_block_import(ward, mapping, replace=replace)
    order = District.objects.filter(ward=ward).count()
    for offset, name in enumerate(plan.new_districts, start=1):
        District.objects.create(ward=ward, name=name, sort_order=order + offset)
    districts = {d.name: d for d in District.objects.filter(ward=ward)}
    if plan.removed:
        TownBlock.objects.filter(ward=ward, key__in=plan.removed).delete()
    for key, _old, new in plan.moved:
        TownBlock.objects.filter(ward=ward, key=key).update(district=districts[new])
    TownBlock.objects.bulk_create(
        [TownBlock(ward=ward, key=key, district=districts[mapping[key]]) for key in plan.added],
        batch_size=500,
    )
    audit.record(
        "core.townblocks.imported",
        actor=actor,
        ward=ward,
        payload={
            "replace": replace,
            "added": len(plan.added),
            "moved": len(plan.moved),
            "removed": len(plan.removed),
            "new_districts": len(plan.new_districts),
        },
    )
    return plan


# -- furigana readings (やさしい日本語) ----------------------------------------------------------
def _forget_readings() -> None:
    transaction.on_commit(lambda: cache.delete(READINGS_CACHE_KEY))


@transaction.atomic
def save_reading(municipality, *, actor, word: str, reading: str) -> Reading:
    """Add a word's reading, or change it; the portal uses it from the next page on."""
    row, created = Reading.objects.select_for_update().get_or_create(
        municipality=municipality, word=word, defaults={"reading": reading, "updated_by": actor}
    )
    if not created and row.reading != reading:
        row.reading, row.updated_by = reading, actor
        row.save(update_fields=["reading", "updated_by", "updated_at"])
    elif not created:
        return row
    audit.record(
        "core.reading.saved", actor=actor, obj=row, payload={"word": word, "reading": reading}
    )
    _forget_readings()
    return row


@transaction.atomic
def delete_reading(row: Reading, *, actor) -> None:
    audit.record("core.reading.deleted", actor=actor, obj=row, payload={"word": row.word})
    row.delete()
    _forget_readings()


# -- opening hours ----------------------------------------------------------------------------
@transaction.atomic
def set_opening_hours(hub: Hub, periods: list[tuple[int, time, time]], *, actor) -> None:
    """Replace the hub's weekly times (weekday 0–6, 7 for public holidays) with ``periods``.
    Two staff saving at once: the hub row is locked, the second save replaces the first."""
    Hub.objects.select_for_update().get(pk=hub.pk)
    _check_periods(periods)
    before = sorted((p.weekday, p.opens, p.closes) for p in hub.opening_periods.all())
    wanted = sorted(periods)
    if before == wanted:
        return
    hub.opening_periods.all().delete()
    OpeningPeriod.objects.bulk_create(
        OpeningPeriod(hub=hub, weekday=day, opens=opens, closes=closes)
        for day, opens, closes in wanted
    )
    audit.record(
        "core.opening.updated",
        actor=actor,
        obj=hub,
        payload={"periods": [f"{d} {o:%H:%M}-{c:%H:%M}" for d, o, c in wanted]},
    )


def _check_periods(periods: list[tuple[int, time, time]]) -> None:
    by_day: dict[int, list[tuple[time, time]]] = {}
    for day, opens, closes in periods:
        if not 0 <= day <= PUBLIC_HOLIDAY or closes <= opens:
            raise TenancyError(_("Each opening time must end after it starts."))
        by_day.setdefault(day, []).append((opens, closes))
    for times in by_day.values():
        times.sort()
        if any(later[0] < earlier[1] for earlier, later in itertools.pairwise(times)):
            raise TenancyError(_("The opening times of one day overlap."))


@transaction.atomic
def add_closure(hub: Hub, *, actor, first_day: date, last_day: date, reason: str) -> ClosedDay:
    closure = ClosedDay(hub=hub, first_day=first_day, last_day=last_day, reason=reason)
    closure.full_clean()
    closure.save()
    audit.record("core.closure.added", actor=actor, obj=closure, hub=hub)
    return closure


@transaction.atomic
def delete_closure(closure: ClosedDay, *, actor) -> None:
    audit.record(
        "core.closure.deleted",
        actor=actor,
        obj=closure,
        hub=closure.hub,
        payload={"from": str(closure.first_day), "until": str(closure.last_day)},
    )
    closure.delete()


# -- categories kept as rule sections (core.categories) ---------------------------------------
CATEGORY_CODE = re.compile(r"[a-z][a-z0-9_]{0,29}")


@transaction.atomic
def set_categories(municipality, section: str, categories: list[dict], *, actor) -> None:
    """Replace the city's list of categories of ``section`` (the directory's kinds of place,
    the news's kinds of notice). A category still used by a record cannot be removed."""
    city = Municipality.objects.select_for_update().get(pk=municipality.pk)
    _check_categories(categories)
    before = {c.code: c for c in section_categories(city, section)}
    removed = set(before) - {c["code"] for c in categories}
    for code in sorted(removed):
        used = SECTIONS[section].count_in_use(city, code)
        if used:
            raise TenancyError(
                _("「{label}」 is used by {n} records; give them another category first.").format(
                    label=before[code].ja, n=used
                )
            )
    overrides = dict(city.rule_overrides)
    overrides[section] = {**overrides.get(section, {}), "categories": categories}
    city.rule_overrides = overrides
    city.full_clean()
    city.save(update_fields=["rule_overrides"])
    audit.record(
        "core.categories.updated",
        actor=actor,
        obj=city,
        payload={"section": section, "codes": [c["code"] for c in categories]},
    )
    municipality.rule_overrides = city.rule_overrides


def _check_categories(categories: list[dict]) -> None:
    if not categories:
        raise TenancyError(_("Keep at least one category."))
    codes = [c["code"] for c in categories]
    if len(set(codes)) != len(codes) or not all(CATEGORY_CODE.fullmatch(c) for c in codes):
        raise TenancyError(_("Each category needs its own code."))
    labels = [c["ja"] for c in categories]
    if len(set(labels)) != len(labels):
        raise TenancyError(_("Two categories have the same name."))
