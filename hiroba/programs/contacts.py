"""Who hears about an entry: one address, of a caregiver still in the family."""

from __future__ import annotations

import hashlib

from hiroba.families.contacts import family_address
from hiroba.programs.models import Entry


def recipient(entry: Entry) -> str | None:
    """The address for news of ``entry``: its contact person's, else the family's
    (``families.contacts.family_address``)."""
    return family_address(entry.household, entry.contact)


def address_digest(address: str | None) -> str:
    return hashlib.sha256((address or "").strip().lower().encode()).hexdigest()[:16]
