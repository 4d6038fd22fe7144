"""Who of a family hears from the hub by e-mail: one address, of a caregiver still in it.

Programs (entries) and user support (bookings) both write to families; the rule lives here so
they cannot drift apart."""

from __future__ import annotations

from hiroba.families.choices import ContactChannel


def family_address(household, contact=None) -> str | None:
    """``contact``'s address when they are still in the family, else the family's main
    contact's, else any present member's; None when the family prefers a phone call or nobody
    has an address. A caregiver who has left the family (``left_on``) never gets its mail."""
    if household.contact_channel != ContactChannel.EMAIL:
        return None
    if contact is not None and contact.left_on is None and contact.email:
        return contact.email
    present = household.members.present().exclude(email="")
    chosen = (
        present.filter(is_primary_contact=True).first()
        or present.order_by("sort_order", "pk").first()
    )
    return chosen.email if chosen else None
