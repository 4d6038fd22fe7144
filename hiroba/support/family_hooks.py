"""What happens to user-support bookings when a family card is merged, anonymised or removed
(registered with ``hiroba.families.hooks``; runs inside the families transaction).

Bookings follow a merged card to the kept one. Anonymising a card cancels the bookings still
waiting (the slot is freed for another family) and wipes every booking's message; the rows stay
for the statistics. The latest booked meeting counts as activity for retention.
"""

from __future__ import annotations

from django.db.models import Max
from django.utils import timezone

from hiroba.families import hooks
from hiroba.support.choices import BookingStatus, CancelledBy
from hiroba.support.models import SupportBooking


@hooks.on_merge
def move_bookings(kept, merged, *, actor) -> None:
    SupportBooking.objects.filter(household=merged).update(household=kept)


@hooks.on_anonymise
def end_bookings(household, *, actor) -> None:
    bookings = SupportBooking.objects.filter(household=household)
    bookings.filter(status=BookingStatus.BOOKED).update(
        status=BookingStatus.CANCELLED, cancelled_by=CancelledBy.HUB, cancelled_at=timezone.now()
    )
    bookings.update(message="", contact=None)
    SupportBooking.topics.through.objects.filter(supportbooking__household=household).delete()


@hooks.in_use_check
def has_bookings(household) -> bool:
    return SupportBooking.objects.filter(household=household).exists()


@hooks.activity_source
def last_booking(household):
    latest = SupportBooking.objects.filter(household=household).aggregate(
        last=Max("slot__starts_at")
    )["last"]
    return timezone.localtime(latest).date() if latest else None


# -- support cases (case_services.end_cases_of_household does the work) ------------------------
from hiroba.support import case_services  # noqa: E402 - the cases' own block
from hiroba.support.models import SupportCase  # noqa: E402


@hooks.on_merge
def move_cases(kept, merged, *, actor) -> None:
    SupportCase.objects.filter(household=merged).update(household=kept)


@hooks.on_anonymise
def end_cases(household, *, actor) -> None:
    """Open cases are closed ("family card anonymised"), all case text is wiped and the card
    unlinked; coded columns stay for the statistics."""
    case_services.end_cases_of_household(household, actor=actor)


@hooks.in_use_check
def has_cases(household) -> bool:
    return SupportCase.objects.filter(household=household).exists()


@hooks.activity_source
def last_case_day(household):
    """The latest day a case of the family was opened or closed."""
    days = SupportCase.objects.filter(household=household).aggregate(
        opened=Max("opened_on"), closed=Max("closed_on")
    )
    return max((d for d in days.values() if d is not None), default=None)
