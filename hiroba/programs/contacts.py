"""Who hears about an entry: one address, of a caregiver still in the family."""

from __future__ import annotations

import hashlib

from hiroba.families.choices import ContactChannel
from hiroba.programs.models import Entry


def recipient(entry: Entry) -> str | None:
    """The entry's contact person's address, else the family's main contact's, else any
    present member's; None when the family prefers a phone call or nobody has an address.
    A caregiver who has left the family (``left_on``) never gets the family's messages."""
    if entry.household.contact_channel != ContactChannel.EMAIL:
        return None
    contact = entry.contact
    if contact is not None and contact.left_on is None and contact.email:
        return contact.email
    present = entry.household.members.present().exclude(email="")
    chosen = (
        present.filter(is_primary_contact=True).first()
        or present.order_by("sort_order", "pk").first()
    )
    return chosen.email if chosen else None


def address_digest(address: str | None) -> str:
    return hashlib.sha256((address or "").strip().lower().encode()).hexdigest()[:16]
