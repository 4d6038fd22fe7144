"""Writes to the family registry: registration, members, address, consent, confirmation,
how the family wants to be contacted, merging (``merging``) and retention.

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

from hiroba.core import audit
from hiroba.core.models import Hub
from hiroba.core.sequences import take_free_number
from hiroba.core.services import save_changes
from hiroba.families import hooks
from hiroba.families.choices import (
    ConsentAction,
    ConsentPurpose,
    ContactChannel,
    HouseholdStatus,
    MemberKind,
    RegistrationSource,
)
from hiroba.families.errors import RegistryError
from hiroba.families.merging import check_merge, merge_households, plan_merge
from hiroba.families.models import CardSequence, ConsentEvent, Household, Member
from hiroba.families.rows import locate, lock_rows
from hiroba.lib.kana import kana_search_key

__all__ = [
    "HouseholdData",
    "MemberData",
    "RegistryError",
    "add_member",
    "anonymise_household",
    "check_merge",
    "confirm_registration",
    "member_left",
    "merge_households",
    "note_visit",
    "plan_merge",
    "record_consent",
    "register_household",
    "registry_hub",
    "reissue_card",
    "remove_pending_registration",
    "set_contact_channel",
    "update_household",
    "update_member",
]

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
    return take_free_number(sequence, taken, width=6)


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
    locate(household)
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
    """Change the household's own details (``HOUSEHOLD_EDITABLE_FIELDS``, and
    ``contact_channel`` through ``set_contact_channel``); returns the changed field names."""
    stored = _lock(household)
    channel = _checked_channel(values.pop("contact_channel", stored.contact_channel))
    household.contact_channel = stored.contact_channel
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
        locate(household)
        household.save(update_fields=["town_block", "district"])
    if _change_contact_channel(household, channel, actor):
        changed = sorted([*changed, "contact_channel"])
    return changed


def _lock(household: Household) -> Household:
    """Lock the household row: merges, check-ins and edits of one family run one at a time.
    Returns the locked row as stored."""
    locked = Household.objects.select_for_update(no_key=True).filter(pk=household.pk).first()
    # Decide on the locked row, not the caller's copy: it may have been merged or anonymised
    # since the caller read it.
    if locked is None or not locked.is_current:
        raise RegistryError("household_not_current")
    household.status = locked.status
    return locked


def _checked_channel(channel: str) -> str:
    if channel not in ContactChannel.values:
        raise RegistryError("unknown_contact_channel")
    return channel


def _change_contact_channel(household: Household, channel: str, actor) -> bool:
    """Save a checked channel on a locked household; False when it was already so."""
    if household.contact_channel == channel:
        return False
    before = household.contact_channel
    household.contact_channel = channel
    household.save(update_fields=["contact_channel", "updated_at"])
    audit.record(
        "families.household.contact_channel_changed",
        actor=actor,
        obj=household,
        payload={"from": before, "to": channel},
    )
    return True


@transaction.atomic
def set_contact_channel(household: Household, channel: str, *, actor) -> Household:
    """How the family wants to hear from the hub (booking confirmations, waitlist offers):
    set by staff or by the parent on the portal (``actor=None``). Refused for a merged or
    anonymised card; nothing is written or recorded when the channel does not change."""
    _checked_channel(channel)  # before the lock: nothing to wait for
    # Compare with the stored value, not the caller's copy (a colleague may have changed it).
    household.contact_channel = _lock(household).contact_channel
    _change_contact_channel(household, channel, actor)
    return household


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
    household = lock_rows(household)[household.pk]
    if household.status == HouseholdStatus.ANONYMISED:
        raise RegistryError("household_anonymised")
    hooks.run_anonymise(household, actor=actor)  # e.g. program entries end, messages go
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
    household = lock_rows(household)[household.pk]
    in_use = (
        household.status != HouseholdStatus.PENDING
        or household.last_visit_on is not None
        or household.merges_kept.exists()
        or household.merges_merged.exists()
        or hooks.in_use(household)  # e.g. it signed up for a program: anonymise it later
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
