"""The ``support`` rule section: how far ahead families may book, how many bookings a family
may hold, until when the portal lets them cancel, and when reminders go out.

Defaults: 60 days ahead, 2 waiting bookings per family, cancel on the portal until 2 hours
before (after that the family calls: the specialist may already be preparing), reminders the
day before at 10:00 outside the quiet hours, slots of at most 3 hours.
"""

from datetime import date

from django.utils import timezone

from hiroba.core.rules import RuleVersion, register_section

_SUPPORT = {
    "booking_horizon_days": 60,
    "max_waiting_bookings": 2,
    "cancel_deadline_hours": 2,
    "reminder_hour": 10,
    "quiet_hours_start": 21,
    "quiet_hours_end": 8,
    "max_slot_minutes": 180,
}
register_section("national", "support", [RuleVersion(date(2000, 4, 1), _SUPPORT)])
register_section("yokohama", "support", [RuleVersion(date(2000, 4, 1), _SUPPORT)])


def support_rules(hub) -> dict:
    """The rules in force today for ``hub``'s municipality."""
    return hub.ward.municipality.rules("support", on=timezone.localdate())
