"""Who may read what a family wrote when booking (a need-to-know part of the booking).

The schedule (who booked which time) is for every staff member who takes bookings; the
family's message and chosen topics are for the slot's specialist and for roles with
consultation access at the hub (``consultations.read_all_consultations``)."""

from __future__ import annotations

from hiroba.accounts.scope import scope_for
from hiroba.consultations.permissions import READ_ALL_CONSULTATIONS

MESSAGE_PARTS = ("topics", "message")


def may_read_message(user, booking) -> bool:
    slot = booking.slot
    if slot.specialist_id == user.pk:
        return True
    return scope_for(user).can(READ_ALL_CONSULTATIONS, hub_id=slot.hub_id)
