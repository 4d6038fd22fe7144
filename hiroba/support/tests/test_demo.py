"""The demo user support: past bookings held (with records), not come and cancelled, upcoming
bookings from the portal and by phone, free times for the portal, walk-ins; no e-mail sent."""

from __future__ import annotations

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from hiroba.consultations.choices import Channel
from hiroba.consultations.models import Consultation
from hiroba.support.choices import BookingSource, BookingStatus
from hiroba.support.models import SupportBooking, SupportSlot
from hiroba.testing.plugin import DEMO_CONSULTATIONS

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-20T13:00:00+09:00", tick=False)
def test_the_demo_hub_has_a_bookable_user_support_schedule(
    django_capture_on_commit_callbacks, demo_steps
):
    demo_steps(*DEMO_CONSULTATIONS)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--quiet-logins")
    assert mail.outbox == []
    now = timezone.now()
    statuses = set(SupportBooking.objects.values_list("status", flat=True))
    assert set(BookingStatus.values) <= statuses
    assert SupportSlot.objects.free().filter(starts_at__gt=now).count() >= 3
    upcoming = SupportBooking.objects.filter(status=BookingStatus.BOOKED, slot__starts_at__gt=now)
    assert {b.source for b in upcoming} == set(BookingSource.values)
    held = SupportBooking.objects.filter(status=BookingStatus.ATTENDED)
    assert held.exists() and not held.filter(consultation__isnull=True).exists()
    individual = Consultation.objects.filter(channel=Channel.INDIVIDUAL)
    linked = set(held.values_list("consultation_id", flat=True))
    assert individual.exclude(pk__in=linked).count() == 4  # walk-ins
