"""All writes to slots and bookings: atomic, audited, actor keyword-only.

Booking locks the slot row once and re-checks everything under the lock; a partial unique
constraint (one live booking per slot) backs it up, so two families pressing "book" together
get one booking and one clear message (docs/concurrency.md). Audit payloads hold ids and codes,
never what the family wrote. E-mails go after commit (``notify``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from hiroba.consultations.models import ConsultationTopic
from hiroba.consultations.services import ConsultationData, record_consultation
from hiroba.core import audit
from hiroba.core.models import Hub
from hiroba.families.choices import CURRENT_HOUSEHOLD_STATUSES, MemberKind
from hiroba.families.models import Household
from hiroba.support import notify, queries
from hiroba.support.access import MESSAGE_PARTS
from hiroba.support.choices import (
    BookingSource,
    BookingStatus,
    SlotMode,
    SlotStatus,
)
from hiroba.support.errors import SupportError
from hiroba.support.models import SupportBooking, SupportSlot
from hiroba.support.rules import support_rules

MAX_SLOTS_AT_ONCE = 60
MAX_MESSAGE_LENGTH = 1000


# -- slots ---------------------------------------------------------------------------------------
@dataclass
class SlotPlan:
    """Slots of one day (several start times), optionally repeated weekly."""

    day: date
    start_times: list[time]
    minutes: int
    mode: str
    specialist: object
    venue: object | None = None
    note: str = ""
    weeks: int = 1


def _planned_times(plan: SlotPlan) -> list[tuple[datetime, datetime]]:
    spans = []
    for week in range(plan.weeks):
        day = plan.day + timedelta(weeks=week)
        for start in sorted(set(plan.start_times)):
            starts_at = timezone.make_aware(datetime.combine(day, start))
            spans.append((starts_at, starts_at + timedelta(minutes=plan.minutes)))
    return spans


def _check_plan(hub: Hub, plan: SlotPlan, spans, now: datetime) -> None:
    rules = support_rules(hub)
    if plan.minutes > rules["max_slot_minutes"]:
        raise SupportError("slot_too_long", minutes=rules["max_slot_minutes"])
    if len(spans) > MAX_SLOTS_AT_ONCE:
        raise SupportError("too_many_slots", count=MAX_SLOTS_AT_ONCE)
    if not queries.specialists_of(hub).filter(pk=plan.specialist.pk).exists():
        raise SupportError("specialist_elsewhere")
    if plan.venue is not None and plan.venue.hub_id not in (hub.pk, hub.parent_id):
        raise SupportError("venue_elsewhere")
    if plan.mode == SlotMode.IN_PERSON and plan.venue is None:
        raise SupportError("venue_needed")
    if any(start <= now for start, _ in spans):
        raise SupportError("slot_in_past")
    for start, end in zip(spans, spans[1:], strict=False):
        if start[1] > end[0] and start[0].date() == end[0].date():
            raise SupportError("slot_overlaps", time=_local_text(end[0]))
    _check_no_overlap(plan.specialist, spans)


def _local_text(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _check_no_overlap(specialist, spans) -> None:
    """The specialist cannot be in two slots at once (any hub)."""
    existing = SupportSlot.objects.open().filter(
        specialist=specialist,
        starts_at__lt=max(end for _, end in spans),
        ends_at__gt=min(start for start, _ in spans),
    )
    for slot in existing:
        for start, end in spans:
            if slot.starts_at < end and slot.ends_at > start:
                raise SupportError("slot_overlaps", time=_local_text(slot.starts_at))


def publish_slots(hub: Hub, plan: SlotPlan, *, actor, now=None) -> list[SupportSlot]:
    now = now or timezone.now()
    spans = _planned_times(plan)
    with transaction.atomic():
        _check_plan(hub, plan, spans, now)
        slots = [
            SupportSlot(
                hub=hub,
                specialist=plan.specialist,
                starts_at=start,
                ends_at=end,
                mode=plan.mode,
                venue=plan.venue,
                note=plan.note,
                created_by=actor,
            )
            for start, end in spans
        ]
        try:
            with transaction.atomic():
                slots = SupportSlot.objects.bulk_create(slots)
        except IntegrityError:  # a colleague published the same time just now
            raise SupportError("slot_overlaps", time=_local_text(spans[0][0])) from None
        audit.record(
            "support.slot.published",
            actor=actor,
            obj=hub,
            payload={"slots": [s.pk for s in slots], "specialist": plan.specialist.pk},
        )
    return slots


def withdraw_slot(slot: SupportSlot, *, actor) -> SupportSlot:
    with transaction.atomic():
        slot = SupportSlot.objects.select_for_update().get(pk=slot.pk)
        if slot.status != SlotStatus.OPEN:
            raise SupportError("slot_withdrawn")
        if slot.bookings.filter(status=BookingStatus.BOOKED).exists():
            raise SupportError("slot_booked")
        slot.status = SlotStatus.WITHDRAWN
        slot.save(update_fields=["status"])
        audit.record("support.slot.withdrawn", actor=actor, obj=slot, payload={"slot": slot.pk})
    return slot


# -- booking -------------------------------------------------------------------------------------
@dataclass
class BookingRequest:
    household: Household
    contact: object | None = None
    topics: list[ConsultationTopic] = field(default_factory=list)
    message: str = ""
    source: str = BookingSource.PORTAL


def _check_slot(slot: SupportSlot, now: datetime) -> None:
    if slot.status != SlotStatus.OPEN:
        raise SupportError("slot_withdrawn")
    if slot.starts_at <= now:
        raise SupportError("slot_started")
    days = support_rules(slot.hub)["booking_horizon_days"]
    if slot.starts_at > now + timedelta(days=days):
        raise SupportError("too_far_ahead", days=days)


def _check_request(slot: SupportSlot, request: BookingRequest) -> None:
    household = request.household
    if household.status not in CURRENT_HOUSEHOLD_STATUSES:
        raise SupportError("household_not_current")
    if household.hub.ward.municipality_id != slot.hub.ward.municipality_id:
        raise SupportError("household_elsewhere")
    contact = request.contact
    if contact is not None and (
        contact.household_id != household.pk
        or contact.kind != MemberKind.CAREGIVER
        or contact.left_on is not None
    ):
        raise SupportError("contact_elsewhere")
    city = slot.hub.ward.municipality_id
    if any(topic.municipality_id != city for topic in request.topics):
        raise SupportError("topic_elsewhere")
    if len(request.message) > MAX_MESSAGE_LENGTH:
        raise SupportError("message_too_long", length=MAX_MESSAGE_LENGTH)


def _check_family(slot: SupportSlot, household: Household, now: datetime) -> None:
    """Under the family's row lock: not two bookings at once, not more than the limit."""
    waiting = SupportBooking.objects.filter(
        household=household, status=BookingStatus.BOOKED, slot__starts_at__gt=now
    )
    if waiting.filter(slot__starts_at__lt=slot.ends_at, slot__ends_at__gt=slot.starts_at).exists():
        raise SupportError("family_already_booked")
    limit = support_rules(slot.hub)["max_waiting_bookings"]
    if waiting.count() >= limit:
        raise SupportError("too_many_bookings", count=limit)


def book_slot(slot_id: int, request: BookingRequest, *, actor, now=None) -> SupportBooking:
    """Book the slot for the family: the slot row is locked (then the family's), everything is
    checked again under the lock, and the constraint catches what a lock cannot (SQLite)."""
    now = now or timezone.now()
    with transaction.atomic():
        slot = (
            SupportSlot.objects.select_for_update()
            .select_related("hub__ward")
            .filter(pk=slot_id)
            .first()
        )
        if slot is None:
            raise SupportError("slot_withdrawn")
        _check_slot(slot, now)
        _check_request(slot, request)
        Household.objects.select_for_update().filter(pk=request.household.pk).first()
        if queries.holding_booking_exists(slot.pk):
            raise SupportError("slot_taken")
        _check_family(slot, request.household, now)
        booking = _insert_booking(slot, request, actor)
        audit.record(
            "support.booking.made",
            actor=actor,
            obj=booking,
            hub=slot.hub,
            payload={"slot": slot.pk, "source": request.source},
        )
        notify.after_commit(notify.BOOKED, booking.pk)
    return booking


def _main_caregiver(household: Household):
    """Whom staff call about a booking made for the family: its main contact, else the first
    caregiver still in it."""
    caregivers = household.members.present().filter(kind=MemberKind.CAREGIVER)
    return (
        caregivers.filter(is_primary_contact=True).first()
        or caregivers.order_by("sort_order", "pk").first()
    )


def _insert_booking(slot, request: BookingRequest, actor) -> SupportBooking:
    staff = request.source == BookingSource.STAFF
    try:
        with transaction.atomic():
            booking = SupportBooking.objects.create(
                slot=slot,
                household=request.household,
                contact=request.contact or _main_caregiver(request.household),
                message=request.message.strip(),
                source=request.source,
                entered_by=actor if staff else None,
            )
    except IntegrityError:  # another family's booking won between our check and insert
        raise SupportError("slot_taken") from None
    booking.topics.set(request.topics)
    return booking


def _locked_booking(booking: SupportBooking) -> SupportBooking:
    return (
        SupportBooking.objects.select_for_update()
        .select_related("slot__hub__ward__municipality")
        .get(pk=booking.pk)
    )


def portal_cancel_deadline(slot: SupportSlot) -> datetime:
    """Until when a family may cancel on the portal (the city's hours before the start)."""
    return slot.starts_at - timedelta(hours=support_rules(slot.hub)["cancel_deadline_hours"])


def cancel_booking(booking: SupportBooking, *, by: str, actor, now=None) -> SupportBooking:
    """Cancel a waiting booking; the slot is free again at once. On the portal (no staff
    ``actor``) a family may cancel until the deadline; staff may cancel until the time comes,
    for the hub or because the family called."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_booking(booking)
        if booking.status != BookingStatus.BOOKED or booking.slot.starts_at <= now:
            raise SupportError("not_booked")
        if actor is None and portal_cancel_deadline(booking.slot) < now:
            hours = support_rules(booking.slot.hub)["cancel_deadline_hours"]
            raise SupportError("cancel_deadline", hours=hours)
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_by = by
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_by", "cancelled_at"])
        audit.record(
            "support.booking.cancelled",
            actor=actor,
            obj=booking,
            hub=booking.slot.hub,
            payload={"slot": booking.slot_id, "by": by},
        )
        notify.after_commit(notify.CANCELLED, booking.pk)
    return booking


def mark_no_show(booking: SupportBooking, *, actor, now=None) -> SupportBooking:
    """The family did not come (recorded gently: it only counts in the statistics)."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_booking(booking)
        if booking.status != BookingStatus.BOOKED:
            raise SupportError("not_booked")
        if booking.slot.starts_at > now:
            raise SupportError("not_started")
        booking.status = BookingStatus.NO_SHOW
        booking.save(update_fields=["status"])
        audit.record("support.booking.no_show", actor=actor, obj=booking, hub=booking.slot.hub)
    return booking


def record_booking_consultation(
    booking: SupportBooking, data: ConsultationData, *, actor, now=None
):
    """The meeting took place: its consultation record is written (a case number, encrypted
    text, need-to-know access) and linked to the booking, in one transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_booking(booking)
        if booking.status not in (BookingStatus.BOOKED, BookingStatus.NO_SHOW):
            raise SupportError("not_booked")
        if booking.slot.starts_at > now:
            raise SupportError("not_started")
        consultation = record_consultation(booking.slot.hub, data, actor=actor)
        booking.status = BookingStatus.ATTENDED
        booking.consultation = consultation
        booking.save(update_fields=["status", "consultation"])
        audit.record(
            "support.booking.attended",
            actor=actor,
            obj=booking,
            hub=booking.slot.hub,
            payload={"consultation": consultation.pk},
        )
    return consultation


def record_message_read(booking: SupportBooking, *, actor) -> None:
    """Written before a page shows the family's message and topics."""
    audit.record_view(booking, actor=actor, fields=MESSAGE_PARTS, hub=booking.slot.hub)
