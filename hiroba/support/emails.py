"""E-mails about a booking: booked, cancelled, and the reminder the day before, with a calendar
file. In the family's language, to the booking's contact person (or the family's main contact)
when the family prefers e-mail; families who prefer a phone call get none (the schedule shows
staff whom to call). The reminder is stamped (``reminded_at``) before it is sent, so two ticks
never both send it."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from hiroba.families.choices import site_language
from hiroba.families.contacts import family_address
from hiroba.support import calendar, notify
from hiroba.support.choices import BookingStatus, CancelledBy
from hiroba.support.models import SupportBooking

SUBJECTS = {
    notify.BOOKED: gettext_lazy("[Booked] Individual consultation at {hub}"),
    notify.CANCELLED: gettext_lazy("[Cancelled] Individual consultation at {hub}"),
    notify.REMINDER: gettext_lazy("[Tomorrow] Individual consultation at {hub}"),
}


def _booking(booking_id: int) -> SupportBooking | None:
    return (
        SupportBooking.objects.select_related(
            "slot__hub__ward__municipality", "slot__venue", "household", "contact"
        )
        .filter(pk=booking_id)
        .first()
    )


def _body(kind: str, booking: SupportBooking) -> str:
    my_url = reverse("portal:my-support-booking", kwargs={"booking_id": booking.pk})
    return render_to_string(
        "support/email/booking.txt",
        {
            "kind": kind,
            "booking": booking,
            "slot": booking.slot,
            "hub": booking.slot.hub,
            "by_hub": booking.cancelled_by == CancelledBy.HUB,
            "booking_url": settings.HIROBA_PUBLIC_URL + my_url,
        },
    )


def _claim_reminder(booking: SupportBooking) -> bool:
    return bool(
        SupportBooking.objects.filter(
            pk=booking.pk, status=BookingStatus.BOOKED, reminded_at__isnull=True
        ).update(reminded_at=timezone.now())
    )


def send(kind: str, booking_id: int) -> bool:
    """Send one message; False when the family gets none (phone, no address, already sent)."""
    booking = _booking(booking_id)
    if booking is None:
        return False
    address = family_address(booking.household, booking.contact)
    if address is None:
        if kind == notify.REMINDER:
            _claim_reminder(booking)  # nobody to write to: done, not retried every minute
        return False
    with translation.override(site_language(booking.household.language)):
        subject = str(SUBJECTS[kind]).format(hub=booking.slot.hub.name)
        message = EmailMessage(subject, _body(kind, booking), None, [address])
        ics = calendar.booking_ics(booking, cancelled=kind == notify.CANCELLED)
    message.attach("consultation.ics", ics, "text/calendar; charset=utf-8")
    if kind == notify.REMINDER and not _claim_reminder(booking):
        return False
    try:
        message.send()
    except Exception:
        if kind == notify.REMINDER:
            SupportBooking.objects.filter(pk=booking.pk).update(reminded_at=None)
        raise
    return True
