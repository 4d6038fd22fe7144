"""Merging duplicate family cards (re-exported by ``families.services``; call it from there).

The card that is kept takes the members it lacks, the consent history and the details it has
no value for; the merged card stays (status MERGED, ``merged_into`` the kept one) with its
visits, so statistics stay as recorded and the card's history can be traced. A card that was
merged may itself have had cards merged into it: ``queries.merged_card_ids`` follows the chain.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from hiroba.core import audit
from hiroba.families import hooks
from hiroba.families.choices import HouseholdStatus, MemberKind
from hiroba.families.errors import RegistryError
from hiroba.families.models import ConsentEvent, Household, HouseholdMerge, Member
from hiroba.families.rows import locate, lock_rows

ADDRESS_FIELDS = ("postal_code", "address_region", "address_rest")


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


def check_merge(kept: Household, merged: Household) -> None:
    """Raise RegistryError when the two cards cannot be merged (also for the confirm page)."""
    if kept.pk == merged.pk:
        raise RegistryError("merge_same_card")
    if not (kept.is_current and merged.is_current):
        raise RegistryError("household_not_current")
    if kept.hub_id != merged.hub_id:
        raise RegistryError("merge_other_registry")


def _fill_blanks(kept: Household, merged: Household) -> list[str]:
    """Details the kept card lacks are taken from the merged one; notes are joined."""
    filled = []
    if not (kept.postal_code or kept.address_region) and merged.address_region:
        for name in ADDRESS_FIELDS:
            setattr(kept, name, getattr(merged, name))
        locate(kept)
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


def _main_contact_after(
    on_kept: list[Member], moving: list[Member], duplicates: list[Member]
) -> Member | None:
    """Who is the kept card's one main contact after the merge: the kept card's own (the first
    in card order should it have several), else the merged card's, which may be a person
    already on the kept card (a duplicate: then that row). None when neither card had one."""
    own = [m for m in on_kept if m.is_primary_contact]
    if own:
        return own[0]
    theirs = sorted(
        (m for m in (*moving, *duplicates) if m.is_primary_contact),
        key=lambda m: (m.kind, m.sort_order, m.pk),
    )
    if not theirs:
        return None
    if theirs[0] in moving:
        return theirs[0]
    return next((m for m in on_kept if _same_person(theirs[0], m)), None)


def _settle_main_contact(
    kept: Household, moving: list[Member], duplicates: list[Member]
) -> tuple[int | None, list[int]]:
    """Leave exactly one main contact among the kept card's present members after the move
    (two cards of one family usually both have one). Returns (its id, ids no longer main
    contact). Call before the members move: ``on_kept`` is the kept card as it was."""
    on_kept = list(kept.members.present().order_by("kind", "sort_order", "pk"))
    main = _main_contact_after(on_kept, moving, duplicates)
    if main is None:
        return None, []
    cleared = [m for m in (*on_kept, *moving) if m.is_primary_contact and m.pk != main.pk]
    for member in cleared:
        member.is_primary_contact = False
    Member.objects.filter(pk__in=[m.pk for m in cleared]).update(is_primary_contact=False)
    if not main.is_primary_contact:
        main.is_primary_contact = True
        Member.objects.filter(pk=main.pk).update(is_primary_contact=True)
    return main.pk, [m.pk for m in cleared]


def _move_members(kept: Household, moving: list[Member]) -> None:
    order = kept.members.count()
    for offset, member in enumerate(moving):
        member.household, member.sort_order = kept, order + offset
        member.save(update_fields=["household", "sort_order"])


def _take_over_dates(kept: Household, merged: Household) -> list[str]:
    """Visit dates span both cards; a confirmed card confirms the pre-registration."""
    kept.first_visit_on = _earliest(kept.first_visit_on, merged.first_visit_on)
    kept.last_visit_on = _latest(kept.last_visit_on, merged.last_visit_on)
    if merged.status == HouseholdStatus.ACTIVE:
        kept.status = HouseholdStatus.ACTIVE
        kept.registered_on = _earliest(kept.registered_on, merged.registered_on)
    return ["first_visit_on", "last_visit_on", "status", "registered_on", "updated_at"]


@transaction.atomic
def merge_households(kept: Household, merged: Household, *, actor) -> HouseholdMerge:
    """Merge a duplicate card into the card that is kept.

    Members not already on the kept card move to it with the consent history, and the kept
    card ends with one main contact; the merged card stays (status MERGED, pointing at the
    kept one) with its visits, so statistics stay as recorded and the card's history can be
    traced."""
    if kept.pk == merged.pk:
        raise RegistryError("merge_same_card")
    locked = lock_rows(kept, merged)
    kept, merged = locked[kept.pk], locked[merged.pk]
    check_merge(kept, merged)  # again, on the rows as they are now
    moving, duplicates = plan_merge(kept, merged)
    main_contact, cleared = _settle_main_contact(kept, moving, duplicates)
    _move_members(kept, moving)
    consent_ids = list(merged.consent_events.values_list("pk", flat=True))
    ConsentEvent.objects.filter(pk__in=consent_ids).update(household=kept)
    filled = _fill_blanks(kept, merged)
    kept.save(update_fields=[*filled, *_take_over_dates(kept, merged)])
    merged.status, merged.merged_into = HouseholdStatus.MERGED, kept
    merged.save(update_fields=["status", "merged_into", "updated_at"])
    hooks.run_merge(kept, merged, actor=actor)  # e.g. program entries follow the family
    moved = {
        "members": [m.pk for m in moving],
        "duplicates": [m.pk for m in duplicates],
        "consents": consent_ids,
        "filled": filled,
        "main_contact": main_contact,
        "no_longer_main_contact": cleared,
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
        payload={
            "merged": merged.pk,
            "members": moved["members"],
            "consents": len(consent_ids),
            "main_contact": main_contact,
        },
    )
    return record
