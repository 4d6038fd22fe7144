"""Booking an individual consultation from the portal: free slots, booking once (double taps
and a race for the same slot), another family's booking is a 404, cancelling until the
deadline, the reminder the day before."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from hiroba.consultations.tests.factories import topics
from hiroba.families.choices import ContactChannel
from hiroba.portal.tests.conftest import sign_in_as
from hiroba.support.choices import BookingStatus, CancelledBy
from hiroba.support.models import SupportBooking
from hiroba.support.tests.factories import SECRET, a_family, book, slot

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=TOKYO)
NEXT_WEEK = date(2026, 11, 27)
KEY = "3f1c2a4e-0000-4000-8000-00000000000{}"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_free_slots_are_listed_by_day_and_a_booked_one_disappears(client, world):
    free = slot(world.a, NEXT_WEEK, time(10, 0))
    taken = slot(world.a, NEXT_WEEK, time(11, 0))
    book(taken, a_family(world.a.hub))
    page = client.get(reverse("portal:support-slots"))
    body = page.content.decode()
    assert reverse("portal:support-book", kwargs={"slot_id": free.pk}) in body
    assert reverse("portal:support-book", kwargs={"slot_id": taken.pk}) not in body
    assert "no-store" in page["Cache-Control"]


def test_booking_needs_a_signed_in_family(client, world):
    free = slot(world.a, NEXT_WEEK)
    response = client.get(reverse("portal:support-book", kwargs={"slot_id": free.pk}))
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:sign-in"))


def test_a_parent_books_once_even_with_a_double_tap(
    client, world, django_capture_on_commit_callbacks
):
    free = slot(world.a, NEXT_WEEK)
    household = a_family(world.a.hub, email="mama@example.jp")
    sign_in_as(client, household)
    url = reverse("portal:support-book", kwargs={"slot_id": free.pk})
    assert client.get(url).status_code == 200
    data = {
        "topics": [t.pk for t in topics(world.a.hub, "nursery")] or [],
        "message": SECRET,
        "idempotency_key": KEY.format(1),
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
        second = client.post(url, data)
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]
    booking = SupportBooking.objects.get()
    assert booking.household == household
    assert booking.message == SECRET
    assert len(mail.outbox) == 1
    page = client.get(first.url)
    assert page.status_code == 200
    assert "noindex" in page["X-Robots-Tag"]
    my_page = client.get(reverse("portal:my-page")).content.decode()
    assert first.url in my_page


def test_a_slot_taken_a_moment_before_is_explained(client, world):
    free = slot(world.a, NEXT_WEEK)
    household = a_family(world.a.hub)
    sign_in_as(client, household)
    url = reverse("portal:support-book", kwargs={"slot_id": free.pk})
    client.get(url)
    book(free, a_family(world.a.hub, "桜"))
    response = client.post(url, {"idempotency_key": KEY.format(2)})
    assert response.status_code == 409
    assert "予約" in response.content.decode()  # the Japanese message, with a link back
    assert reverse("portal:support-slots") in response.content.decode()
    assert SupportBooking.objects.filter(household=household).count() == 0
    reopened = client.get(url).content.decode()  # an old link: no form, a way back
    assert 'name="idempotency_key"' not in reopened
    assert reverse("portal:support-slots") in reopened


def test_another_familys_booking_is_a_404(client, world):
    theirs = book(slot(world.a, NEXT_WEEK), a_family(world.a.hub, "桜"))
    sign_in_as(client, a_family(world.a.hub))
    url = reverse("portal:my-support-booking", kwargs={"booking_id": theirs.pk})
    assert client.get(url).status_code == 404
    cancel = reverse("portal:my-support-booking-cancel", kwargs={"booking_id": theirs.pk})
    assert client.post(cancel, {"idempotency_key": KEY.format(3)}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.BOOKED


def test_the_parent_cancels_until_the_deadline_then_is_told_to_call(client, world):
    household = a_family(world.a.hub)
    booking = book(slot(world.a, NEXT_WEEK, time(10, 0)), household)
    sign_in_as(client, household)
    url = reverse("portal:my-support-booking", kwargs={"booking_id": booking.pk})
    cancel = reverse("portal:my-support-booking-cancel", kwargs={"booking_id": booking.pk})
    with time_machine.travel(datetime(2026, 11, 27, 8, 30, tzinfo=TOKYO), tick=False):
        sign_in_as(client, household)
        page = client.get(url).content.decode()
        assert cancel not in page
        client.post(cancel, {"idempotency_key": KEY.format(4)})
        booking.refresh_from_db()
        assert booking.status == BookingStatus.BOOKED  # too late on the portal
    client.cookies.clear()
    sign_in_as(client, household)
    page = client.get(url).content.decode()
    assert cancel in page
    response = client.post(cancel, {"idempotency_key": KEY.format(5)})
    assert response.status_code == 303
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancelled_by == CancelledBy.FAMILY


def test_reminders_go_the_day_before_once_and_only_by_e_mail(world):
    by_mail = book(slot(world.a, NEXT_WEEK, time(10, 0)), a_family(world.a.hub))
    by_phone_family = a_family(world.a.hub, "桜")
    by_phone_family.contact_channel = ContactChannel.PHONE
    by_phone_family.save(update_fields=["contact_channel"])
    by_phone = book(slot(world.a, NEXT_WEEK, time(11, 0)), by_phone_family)
    call_command("support_tick", now="2026-11-26T09:00+09:00")  # before the reminder hour
    assert mail.outbox == []
    call_command("support_tick", now="2026-11-26T10:05+09:00")
    call_command("support_tick", now="2026-11-26T10:06+09:00")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][0] == "consultation.ics"
    by_mail.refresh_from_db()
    by_phone.refresh_from_db()
    assert by_mail.reminded_at is not None
    assert by_phone.reminded_at is None
