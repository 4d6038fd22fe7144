"""Scoped reads of slots and bookings. Lookups by id answer 404 outside the user's reach and
403 without the permission; who may read a family's message is ``access.may_read_message``."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from hiroba.accounts.queries import staff_with
from hiroba.accounts.scope import get_for_user
from hiroba.core.models import Hub, Venue
from hiroba.families.choices import CURRENT_HOUSEHOLD_STATUSES
from hiroba.support.choices import HOLDING_STATUSES, BookingStatus, SlotStatus
from hiroba.support.models import SupportBooking, SupportSlot
from hiroba.support.permissions import MANAGE_SLOTS


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _with_live_booking(queryset: QuerySet[SupportSlot]) -> QuerySet[SupportSlot]:
    """Each slot's holding booking (at most one) in ``slot.live``, with its family."""
    live = SupportBooking.objects.holding().select_related("household", "contact")
    return queryset.prefetch_related(Prefetch("bookings", queryset=live, to_attr="live"))


# -- staff ---------------------------------------------------------------------------------------
def get_slot_for_user(user, pk, permission: str) -> SupportSlot:
    queryset = _with_live_booking(
        SupportSlot.objects.select_related("hub__ward__municipality", "specialist", "venue")
    )
    return get_for_user(queryset, user, pk, permission)


def get_booking_for_user(user, pk, permission: str) -> SupportBooking:
    queryset = SupportBooking.objects.select_related(
        "slot__hub__ward__municipality",
        "slot__specialist",
        "slot__venue",
        "household",
        "contact",
        "entered_by",
        "consultation",
    ).prefetch_related("topics")
    return get_for_user(queryset, user, pk, permission, hub_field="slot__hub_id")


def week_of(hub: Hub, monday: date) -> list[SupportSlot]:
    """The hub's slots of one week (withdrawn ones left out), with their live bookings."""
    slots = SupportSlot.objects.filter(
        hub=hub,
        status=SlotStatus.OPEN,
        starts_at__gte=local_midnight(monday),
        starts_at__lt=local_midnight(monday + timedelta(days=7)),
    ).select_related("specialist", "venue")
    return list(_with_live_booking(slots))


def slot_history(slot: SupportSlot) -> QuerySet[SupportBooking]:
    """Every booking of the slot, cancelled ones too, newest first."""
    return slot.bookings.select_related("household", "entered_by").order_by("-created_at")


def specialists_of(hub: Hub) -> QuerySet:
    """Who may hold slots at the hub: users with ``manage_slots`` there or at its main hub."""
    return staff_with(hub, MANAGE_SLOTS)


def bookings_due(hub: Hub, *, until: date) -> QuerySet[SupportBooking]:
    """Waiting bookings from today until ``until`` (the dashboard)."""
    return (
        SupportBooking.objects.filter(
            slot__hub=hub,
            status=BookingStatus.BOOKED,
            slot__starts_at__gte=local_midnight(timezone.localdate()),
            slot__starts_at__lt=local_midnight(until + timedelta(days=1)),
        )
        .select_related("slot", "household")
        .order_by("slot__starts_at", "pk")
    )


def bookings_to_mark(hub: Hub, *, now: datetime) -> QuerySet[SupportBooking]:
    """Bookings whose time has passed and that nobody marked as held or not come."""
    return (
        SupportBooking.objects.filter(
            slot__hub=hub, status=BookingStatus.BOOKED, slot__starts_at__lt=now
        )
        .select_related("slot", "household")
        .order_by("slot__starts_at", "pk")
    )


# -- parents -------------------------------------------------------------------------------------
def public_hubs_with_slots(now: datetime, until: datetime) -> list[Hub]:
    hub_ids = (
        SupportSlot.objects.free().filter(starts_at__gt=now, starts_at__lt=until).values("hub_id")
    )
    return list(Hub.objects.filter(pk__in=hub_ids, is_active=True).order_by("ward__code", "name"))


def free_slots(*, now: datetime, until: datetime, hub_id: int | None = None):
    """Slots a family can book: open, free, not started, within the booking horizon."""
    slots = (
        SupportSlot.objects.free()
        .filter(starts_at__gt=now, starts_at__lt=until, hub__is_active=True)
        .select_related("hub__ward__municipality", "venue")
        .order_by("starts_at", "pk")
    )
    return slots.filter(hub_id=hub_id) if hub_id else slots


def public_slot(pk: int) -> SupportSlot:
    slot = (
        SupportSlot.objects.select_related("hub__ward__municipality", "venue", "specialist")
        .filter(pk=pk, status=SlotStatus.OPEN, hub__is_active=True)
        .first()
    )
    if slot is None:
        raise Http404
    return slot


def bookings_of_household(household) -> QuerySet[SupportBooking]:
    """The family's bookings, upcoming first, for My Page."""
    return (
        SupportBooking.objects.filter(household=household)
        .select_related("slot__hub", "slot__venue")
        .order_by("-slot__starts_at", "pk")
    )


def booking_of_household(household, pk: int) -> SupportBooking:
    """One of the family's own bookings; another family's id answers 404."""
    booking = (
        SupportBooking.objects.filter(
            pk=pk,
            household=household,
            household__status__in=CURRENT_HOUSEHOLD_STATUSES,
        )
        .select_related("slot__hub__ward__municipality", "slot__venue")
        .prefetch_related("topics")
        .first()
    )
    if booking is None:
        raise Http404
    return booking


def waiting_bookings_count(household, *, now: datetime) -> int:
    return SupportBooking.objects.filter(
        household=household, status=BookingStatus.BOOKED, slot__starts_at__gt=now
    ).count()


def holding_booking_exists(slot_id: int) -> bool:
    return SupportBooking.objects.filter(slot_id=slot_id, status__in=HOLDING_STATUSES).exists()


def venues_of(hub: Hub) -> QuerySet[Venue]:
    """Places a slot can be held: the hub's and its main hub's venues in use."""
    hub_ids = [hub.pk, hub.parent_id] if hub.parent_id else [hub.pk]
    return Venue.objects.filter(hub_id__in=hub_ids, is_active=True).order_by("hub_id", "name")
