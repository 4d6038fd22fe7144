"""A calendar file (RFC 5545) for a booking, attached to its e-mails; built with icalendar."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

PRODID = "-//Hiroba//User support//JA"


def booking_ics(booking, *, cancelled: bool = False) -> bytes:
    slot = booking.slot
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"support-booking-{booking.pk}@hiroba")
    event.add("summary", _("Individual consultation: {hub}").format(hub=slot.hub.name))
    event.add("dtstart", slot.starts_at)
    event.add("dtend", slot.ends_at)
    event.add("dtstamp", timezone.now())
    event.add("sequence", 1 if cancelled else 0)
    if slot.venue is not None:
        location = ", ".join(x for x in (slot.venue.name, slot.venue.address) if x)
        event.add("location", location)
    if cancelled:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical()
