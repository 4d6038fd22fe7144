"""Reminders the day before a booked consultation (run by ``manage.py support_tick``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from hiroba.families.choices import ContactChannel
from hiroba.support import notify
from hiroba.support.choices import BookingStatus
from hiroba.support.models import SupportBooking
from hiroba.support.queries import local_midnight
from hiroba.support.rules import support_rules


def _ready(rules: dict, local: datetime) -> bool:
    quiet = local.hour >= rules["quiet_hours_start"] or local.hour < rules["quiet_hours_end"]
    return local.hour >= rules["reminder_hour"] and not quiet


def due_reminders(now: datetime) -> list[int]:
    """Waiting bookings of tomorrow (Asia/Tokyo), not yet reminded, of families who want
    e-mail, once the city's reminder hour has come and outside the quiet hours."""
    local = timezone.localtime(now)
    tomorrow = local.date() + timedelta(days=1)
    bookings = (
        SupportBooking.objects.filter(
            status=BookingStatus.BOOKED,
            reminded_at__isnull=True,
            household__contact_channel=ContactChannel.EMAIL,
            slot__starts_at__gte=local_midnight(tomorrow),
            slot__starts_at__lt=local_midnight(tomorrow + timedelta(days=1)),
        )
        .select_related("slot__hub__ward__municipality")
        .order_by("slot__starts_at", "pk")
    )
    rules_by_city: dict[int, dict] = {}
    due = []
    for booking in bookings:
        hub = booking.slot.hub
        city = hub.ward.municipality_id
        if city not in rules_by_city:
            rules_by_city[city] = support_rules(hub)
        if _ready(rules_by_city[city], local):
            due.append(booking.pk)
    return due


def send_due(now: datetime) -> tuple[int, list[int]]:
    """(sent, failed booking ids): each booking on its own, a failure does not stop the rest."""
    sent, failed = 0, []
    for booking_id in due_reminders(now):
        if notify.send_safely(notify.REMINDER, booking_id):
            sent += 1
        elif SupportBooking.objects.filter(pk=booking_id, reminded_at__isnull=True).exists():
            failed.append(booking_id)
    return sent, failed
