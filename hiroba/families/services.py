"""Writes to the family registry: registration, members, address, consent, confirmation.

Every function is atomic, audited and takes the acting user as the keyword-only ``actor``
(None for a parent on the portal). Audit payloads carry ids and field names only, never names,
phone numbers or addresses.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.core import audit
from hiroba.core.models import Hub, TownBlock
from hiroba.core.services import save_changes
from hiroba.families.choices import (
    ConsentAction,
    ConsentPurpose,
    HouseholdStatus,
    MemberKind,
    RegistrationSource,
)
from hiroba.families.models import CardSequence, ConsentEvent, Household, HouseholdMerge, Member
from hiroba.lib.address import find_town_block
from hiroba.lib.kana import kana_search_key

HOUSEHOLD_EDITABLE_FIELDS = (
    "how_heard",
    "language",
    "postal_code",
    "address_region",
    "address_rest",
    "notes",
)
MEMBER_EDITABLE_FIELDS = (
    "relation",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "due_date",
    "birth_order",
    "sex",
    "phone",
    "email",
    "is_primary_contact",
    "sort_order",
)
CARD_TOKEN_BYTES = 15  # 24 characters of base32: letters and digits a barcode reader can type


REGISTRY_MESSAGES = {
    "family_needs_caregiver": _("A family needs at least one caregiver."),
    "child_needs_birth_or_due_date": _("Enter the child's date of birth, or the due date."),
    "child_has_no_relation": _("A child has no caregiver relation."),
    "caregiver_needs_relation": _("Choose how the caregiver is related to the children."),
    "household_not_current": _("This family card is merged or anonymised and cannot change."),
    "unknown_consent_purpose": _("Unknown consent purpose."),
    "unknown_consent_action": _("Unknown consent action."),
    "not_pending": _("This family is already registered."),
}


class RegistryError(Exception):
    """A rule of the registry was broken; ``message`` is for the user."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(REGISTRY_MESSAGES[self.code])


@dataclass
class MemberData:
    """What a form or an import says about one member."""

    kind: str
    family_name: str
    family_name_kana: str
    given_name: str = ""
    given_name_kana: str = ""
    relation: str = ""
    birth_date: date | None = None
    due_date: date | None = None
    birth_order: int | None = None
    sex: str = ""
    phone: str = ""
    email: str = ""
    is_primary_contact: bool = False

    def values(self) -> dict[str, Any]:
        return {
            name: getattr(self, name) for name in MEMBER_EDITABLE_FIELDS if name != "sort_order"
        }


@dataclass
class HouseholdData:
    members: list[MemberData]
    postal_code: str = ""
    address_region: str = ""
    address_rest: str = ""
    language: str = "ja"
    how_heard: str = ""
    notes: str = ""
    consents: dict[str, bool] = field(default_factory=dict)


def registry_hub(hub: Hub) -> Hub:
    """The hub whose registry a hub uses: a satellite shares its main hub's."""
    return hub.parent if hub.parent_id else hub


def new_card_token() -> str:
    return base64.b32encode(secrets.token_bytes(CARD_TOKEN_BYTES)).decode("ascii")


def _locked_sequence(hub: Hub) -> CardSequence:
    CardSequence.objects.get_or_create(hub=hub)
    return CardSequence.objects.select_for_update().get(hub=hub)


def _next_card_number(hub: Hub) -> str:
    """The hub's next free card number. The sequence row is locked until the transaction ends,
    so concurrent registrations take distinct numbers; numbers taken by imports are skipped."""
    sequence = _locked_sequence(hub)
    taken = set(Household.objects.filter(hub=hub).values_list("card_number", flat=True))
    number = sequence.next_number
    while f"{number:06d}" in taken:
        number += 1
    sequence.next_number = number + 1
    sequence.save(update_fields=["next_number"])
    return f"{number:06d}"


def _locate(household: Household) -> None:
    """Town block and district of residence from the address and the ward's 町丁 mapping."""
    ward = household.hub.ward
    blocks = {b.key: b for b in TownBlock.objects.filter(ward=ward).select_related("district")}
    address = f"{household.address_region}{household.address_rest}"
    key = find_town_block(address, blocks, strip_prefix=f"{ward.municipality.name}{ward.name}")
    block = blocks.get(key) if key else None
    household.town_block = block
    household.district = block.district if block else None


def _search_keys(member: Member) -> None:
    member.given_search_key = kana_search_key(member.given_name_kana)
    member.search_key = kana_search_key(member.family_name_kana) + member.given_search_key


def _validate_member(data: dict[str, Any], kind: str) -> None:
    if kind == MemberKind.CHILD:
        if data.get("birth_date") is None and data.get("due_date") is None:
            raise RegistryError("child_needs_birth_or_due_date")
        if data.get("relation"):
            raise RegistryError("child_has_no_relation")
    elif not data.get("relation"):
        raise RegistryError("caregiver_needs_relation")


def _create_member(household: Household, data: MemberData, order: int) -> Member:
    values = data.values()
    _validate_member(values, data.kind)
    member = Member(household=household, kind=data.kind, sort_order=order, **values)
    _search_keys(member)
    member.full_clean(exclude=["household", "search_key", "given_search_key"])
    member.save()
    return member


def _check_members(members: list[MemberData]) -> None:
    if not any(m.kind == MemberKind.CAREGIVER for m in members):
        raise RegistryError("family_needs_caregiver")


@transaction.atomic
def register_household(
    hub: Hub,
    data: HouseholdData,
    *,
    actor,
    source: str = RegistrationSource.COUNTER,
    status: str = HouseholdStatus.ACTIVE,
    registered_on: date | None = None,
    card_number: str | None = None,
) -> Household:
    """Register a family at ``hub`` (a satellite registers into its main hub's registry).

    ``status=PENDING`` is a parent's pre-registration from the portal, confirmed by staff at
    the first visit. ``card_number`` is given only by imports of old paper cards.
    """
    _check_members(data.members)
    hub = registry_hub(hub)
    household = Household(
        hub=hub,
        card_number=card_number or _next_card_number(hub),
        card_token=new_card_token(),
        status=status,
        source=source,
        registered_on=(
            None if status == HouseholdStatus.PENDING else (registered_on or timezone.localdate())
        ),
        postal_code=data.postal_code,
        address_region=data.address_region,
        address_rest=data.address_rest,
        language=data.language,
        how_heard=data.how_heard,
        notes=data.notes,
    )
    _locate(household)
    household.full_clean(exclude=["card_token"])
    household.save()
    for order, member in enumerate(data.members):
        _create_member(household, member, order)
    today = timezone.localdate()
    for purpose, granted in data.consents.items():
        if granted:
            _consent(household, purpose, ConsentAction.GRANTED, registered_on or today, actor)
    audit.record(
        "families.household.registered",
        actor=actor,
        obj=household,
        payload={"source": source, "status": status, "members": len(data.members)},
    )
    return household


@transaction.atomic
def update_household(household: Household, *, actor, **values) -> list[str]:
    _lock(household)
    changed = save_changes(
        household,
        values,
        allowed=HOUSEHOLD_EDITABLE_FIELDS,
        action="families.household.updated",
        actor=actor,
    )
    # Located after the address is set: setting it first made save_changes see no change,
    # so a new address was never saved.
    if {"postal_code", "address_region", "address_rest"} & set(changed):
        _locate(household)
        household.save(update_fields=["town_block", "district"])
    return changed


def _lock(household: Household) -> None:
    """Lock the household row: merges, check-ins and edits of one family run one at a time."""
    locked = Household.objects.select_for_update(no_key=True).filter(pk=household.pk).first()
    # Decide on the locked row, not the caller's copy: it may have been merged or anonymised
    # since the caller read it.
    if locked is None or not locked.is_current:
        raise RegistryError("household_not_current")
    household.status = locked.status


@transaction.atomic
def add_member(household: Household, data: MemberData, *, actor) -> Member:
    _lock(household)
    order = household.members.count()
    member = _create_member(household, data, order)
    audit.record(
        "families.member.added",
        actor=actor,
        obj=household,
        payload={"member": member.pk, "kind": member.kind},
    )
    return member


@transaction.atomic
def update_member(member: Member, *, actor, **values) -> list[str]:
    _lock(member.household)
    merged = {n: values.get(n, getattr(member, n)) for n in MEMBER_EDITABLE_FIELDS}
    _validate_member(merged, member.kind)
    changed = audit.changed_fields(member, values)
    if not changed:
        return []
    for name in changed:
        setattr(member, name, values[name])
    _search_keys(member)
    member.full_clean(exclude=["household", "search_key", "given_search_key"])
    member.save(update_fields=[*changed, "search_key", "given_search_key"])
    audit.record(
        "families.member.updated",
        actor=actor,
        obj=member.household,
        payload={"member": member.pk, "fields": changed},
    )
    return changed


@transaction.atomic
def member_left(member: Member, *, actor, on: date | None = None) -> Member:
    """A member leaves the family (moved out, say). Kept for the visit history."""
    _lock(member.household)
    remaining = member.household.members.present().caregivers().exclude(pk=member.pk)
    if member.kind == MemberKind.CAREGIVER and not remaining.exists():
        raise RegistryError("family_needs_caregiver")
    member.left_on = on or timezone.localdate()
    member.save(update_fields=["left_on"])
    audit.record(
        "families.member.left", actor=actor, obj=member.household, payload={"member": member.pk}
    )
    return member


def _consent(household, purpose, action, given_on, actor) -> ConsentEvent:
    if purpose not in ConsentPurpose.values:
        raise RegistryError("unknown_consent_purpose")
    label = actor.get_full_name() or actor.email if actor is not None else "portal"
    return ConsentEvent.objects.create(
        household=household,
        purpose=purpose,
        action=action,
        given_on=given_on,
        recorded_by=actor,
        recorded_by_label=label[:100],
    )


@transaction.atomic
def record_consent(
    household: Household, purpose: str, action: str, *, actor, given_on: date | None = None
) -> ConsentEvent:
    """Grant or withdraw consent for a purpose; earlier events stay as history."""
    _lock(household)
    if action not in ConsentAction.values:
        raise RegistryError("unknown_consent_action")
    event = _consent(household, purpose, action, given_on or timezone.localdate(), actor)
    audit.record(
        "families.consent.recorded",
        actor=actor,
        obj=household,
        payload={"purpose": purpose, "action": action},
    )
    return event


@transaction.atomic
def confirm_registration(household: Household, *, actor, on: date | None = None) -> Household:
    """Staff confirm a parent's pre-registration at the family's first visit."""
    _lock(household)
    if household.status != HouseholdStatus.PENDING:
        raise RegistryError("not_pending")
    household.status = HouseholdStatus.ACTIVE
    household.registered_on = on or timezone.localdate()
    household.save(update_fields=["status", "registered_on", "updated_at"])
    audit.record("families.household.confirmed", actor=actor, obj=household)
    return household


@transaction.atomic
def reissue_card(household: Household, *, actor) -> Household:
    """A new QR code (the old card was lost): the old code stops working at once."""
    _lock(household)
    household.card_token = new_card_token()
    household.save(update_fields=["card_token", "updated_at"])
    audit.record("families.card.reissued", actor=actor, obj=household)
    return household


@transaction.atomic
def note_visit(household: Household, on: date) -> None:
    """Called by check-in (in its transaction): keep first and last visit dates current."""
    updates = {}
    if household.last_visit_on is None or on > household.last_visit_on:
        updates["last_visit_on"] = on
    if household.first_visit_on is None or on < household.first_visit_on:
        updates["first_visit_on"] = on
    if updates:
        Household.objects.filter(pk=household.pk).update(**updates)
        for name, value in updates.items():
            setattr(household, name, value)


# -- merging duplicate cards -------------------------------------------------------------------
REGISTRY_MESSAGES.update(
    {
        "merge_same_card": _("A card cannot be merged into itself."),
        "merge_other_registry": _("Only cards of the same hub's registry can be merged."),
        "household_anonymised": _("This family is already anonymised."),
    }
)
ADDRESS_FIELDS = ("postal_code", "address_region", "address_rest")


def _lock_rows(*households: Household) -> dict[int, Household]:
    """Lock the rows lower id first (docs/concurrency.md rule 3) and re-read them, so the
    checks below see what other transactions committed."""
    locked = {}
    for pk in sorted({h.pk for h in households}):
        locked[pk] = (
            Household.objects.select_for_update(no_key=True)
            .select_related("hub__ward__municipality")
            .get(pk=pk)
        )
    return locked


def _same_person(member: Member, other: Member) -> bool:
    """Two rows for one person: same kind and furigana key, and for a child the same date of
    birth (a pregnancy: both without one)."""
    if member.kind != other.kind or not member.search_key:
        return False
    if member.search_key != other.search_key:
        return False
    return member.kind == MemberKind.CAREGIVER or member.birth_date == other.birth_date


def plan_merge(kept: Household, merged: Household) -> tuple[list[Member], list[Member]]:
    """(members that move to the kept card, members already on it). Read-only, for the
    confirmation page and the merge itself."""
    on_kept = list(kept.members.present())
    moving, duplicates = [], []
    for member in merged.members.present().order_by("kind", "sort_order", "pk"):
        is_duplicate = any(_same_person(member, other) for other in on_kept)
        (duplicates if is_duplicate else moving).append(member)
    return moving, duplicates


def _fill_blanks(kept: Household, merged: Household) -> list[str]:
    """Details the kept card lacks are taken from the merged one; notes are joined."""
    filled = []
    if not (kept.postal_code or kept.address_region) and merged.address_region:
        for name in ADDRESS_FIELDS:
            setattr(kept, name, getattr(merged, name))
        _locate(kept)
        filled += [*ADDRESS_FIELDS, "town_block", "district"]
    if not kept.how_heard and merged.how_heard:
        kept.how_heard = merged.how_heard
        filled.append("how_heard")
    if merged.notes:
        kept.notes = "\n".join(n for n in (kept.notes, merged.notes) if n)
        filled.append("notes")
    return filled


def _earliest(*dates: date | None) -> date | None:
    return min((d for d in dates if d), default=None)


def _latest(*dates: date | None) -> date | None:
    return max((d for d in dates if d), default=None)


def check_merge(kept: Household, merged: Household) -> None:
    """Raise RegistryError when the two cards cannot be merged (also for the confirm page)."""
    if kept.pk == merged.pk:
        raise RegistryError("merge_same_card")
    if not (kept.is_current and merged.is_current):
        raise RegistryError("household_not_current")
    if kept.hub_id != merged.hub_id:
        raise RegistryError("merge_other_registry")


@transaction.atomic
def merge_households(kept: Household, merged: Household, *, actor) -> HouseholdMerge:
    """Merge a duplicate card into the card that is kept.

    Members not already on the kept card move to it with the consent history; the merged card
    stays (status MERGED, pointing at the kept one) with its visits, so statistics stay as
    recorded and the card's history can be traced."""
    if kept.pk == merged.pk:
        raise RegistryError("merge_same_card")
    locked = _lock_rows(kept, merged)
    kept, merged = locked[kept.pk], locked[merged.pk]
    check_merge(kept, merged)  # again, on the rows as they are now
    moving, duplicates = plan_merge(kept, merged)
    order = kept.members.count()
    for offset, member in enumerate(moving):
        member.household, member.sort_order = kept, order + offset
        member.save(update_fields=["household", "sort_order"])
    consent_ids = list(merged.consent_events.values_list("pk", flat=True))
    ConsentEvent.objects.filter(pk__in=consent_ids).update(household=kept)
    filled = _fill_blanks(kept, merged)
    kept.first_visit_on = _earliest(kept.first_visit_on, merged.first_visit_on)
    kept.last_visit_on = _latest(kept.last_visit_on, merged.last_visit_on)
    if merged.status == HouseholdStatus.ACTIVE:  # a confirmed card confirms the pre-registration
        kept.status = HouseholdStatus.ACTIVE
        kept.registered_on = _earliest(kept.registered_on, merged.registered_on)
    dates = ["first_visit_on", "last_visit_on", "status", "registered_on", "updated_at"]
    kept.save(update_fields=[*filled, *dates])
    merged.status, merged.merged_into = HouseholdStatus.MERGED, kept
    merged.save(update_fields=["status", "merged_into", "updated_at"])
    moved = {
        "members": [m.pk for m in moving],
        "duplicates": [m.pk for m in duplicates],
        "consents": consent_ids,
        "filled": filled,
    }
    record = HouseholdMerge.objects.create(
        kept=kept,
        merged=merged,
        merged_card_number=merged.card_number,
        moved=moved,
        merged_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        "families.household.merged",
        actor=actor,
        obj=kept,
        payload={"merged": merged.pk, "members": moved["members"], "consents": len(consent_ids)},
    )
    return record


# -- retention ---------------------------------------------------------------------------------
MEMBER_PERSONAL_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "search_key",
    "given_search_key",
    "phone",
    "email",
)


def _first_of_month(value: date | None) -> date | None:
    return value.replace(day=1) if value else None


@transaction.atomic
def anonymise_household(household: Household, *, actor) -> Household:
    """Remove a family's personal data for good (retention). What statistics need stays: the
    district, the year and month of birth, relation, sex and birth order; visits keep their own
    counts. A merged card is anonymised like a current one."""
    household = _lock_rows(household)[household.pk]
    if household.status == HouseholdStatus.ANONYMISED:
        raise RegistryError("household_anonymised")
    members = list(household.members.all())
    for member in members:
        for name in MEMBER_PERSONAL_FIELDS:
            setattr(member, name, "")
        member.birth_date = _first_of_month(member.birth_date)
        member.due_date = _first_of_month(member.due_date)
    Member.objects.bulk_update(members, [*MEMBER_PERSONAL_FIELDS, "birth_date", "due_date"])
    # The town (町) in address_region is as fine as the town block: only the district stays.
    household.postal_code = household.address_region = household.address_rest = ""
    household.notes = ""
    household.town_block = None
    household.status = HouseholdStatus.ANONYMISED
    household.anonymised_at = timezone.now()
    household.card_token = new_card_token()  # the old QR code must not find anything
    household.save(
        update_fields=[
            "postal_code",
            "address_region",
            "address_rest",
            "notes",
            "town_block",
            "status",
            "anonymised_at",
            "card_token",
            "updated_at",
        ]
    )
    audit.record(
        "families.household.anonymised",
        actor=actor,
        obj=household,
        payload={"members": [m.pk for m in members]},
    )
    return household


@transaction.atomic
def remove_pending_registration(household: Household, *, actor) -> bool:
    """Delete a pre-registration nobody confirmed (retention). Returns False, deleting nothing,
    when it was confirmed, visited or merged meanwhile."""
    household = _lock_rows(household)[household.pk]
    in_use = (
        household.status != HouseholdStatus.PENDING
        or household.last_visit_on is not None
        or household.merges_kept.exists()
        or household.merges_merged.exists()
    )
    if in_use:
        return False
    audit.record(
        "families.household.pending_removed",
        actor=actor,
        obj=household,
        payload={"created": timezone.localdate(household.created_at).isoformat()},
    )
    household.delete()
    return True
