"""A parent books an individual consultation on a phone: finds a free time, signs in with the
e-mail link, says what it is about, books, sees it on My Page, cancels it, and the time is free
for the next family again. Phone viewport (390×844), pages in English."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from hiroba.accounts.choices import Role
from hiroba.accounts.tests.factories import MembershipFactory
from hiroba.core.tests.factories import HubFactory
from hiroba.support.choices import BookingStatus
from hiroba.support.models import SupportBooking
from hiroba.support.tests.factories import SECRET, a_family, slots

from .helpers import path_of

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SIGN_IN_LINK = re.compile(r"https?://[^/\s]+(/my/sign-in/[^/\s]+/(?:\?\S*)?)")


@pytest.fixture
def daytime():
    cache.clear()
    local = timezone.localtime().replace(hour=11, minute=0, second=0, microsecond=0)
    with time_machine.travel(local + timedelta(days=1), tick=True):
        yield


def test_a_parent_books_and_cancels_a_consultation_on_a_phone(new_context, daytime):
    hub = HubFactory(name="みなとひろば", phone="0451234567")
    specialist = MembershipFactory(hub=hub, role=Role.USER_SUPPORT).user
    day = timezone.localdate() + timedelta(days=3)
    first, _second = slots(hub, day, time(10, 0), time(11, 0), specialist=specialist)
    household = a_family(hub, email="hana@example.jp")

    # 1. Hana opens the free times and taps 10:00: she is asked to sign in first.
    page = new_context().new_page()
    page.set_viewport_size(PHONE)
    page.goto("/support/")
    page.locator(f"a[href='/support/slots/{first.pk}/book/']").click()
    assert path_of(page.url) == "/my/sign-in/"
    page.fill("input[name=email]", "hana@example.jp")
    page.locator("form.sign-in-form button[type=submit]").click()
    page.wait_for_url("**/my/sign-in/sent/")
    (sign_in_mail,) = [m for m in mail.outbox if "hana@example.jp" in m.to]
    page.goto(SIGN_IN_LINK.search(sign_in_mail.body).group(1))
    page.locator("form.sign-in-confirm button[type=submit]").click()
    page.wait_for_url(f"**/support/slots/{first.pk}/book/")

    # 2. She ticks what it is about, writes a line and books.
    page.locator("input[name=topics]").first.check()
    page.fill("textarea[name=message]", SECRET)
    page.get_by_role("button", name="Book this time").click()
    page.wait_for_url("**/my/support/*/")
    assert "Booked" in page.locator(".support-booking__status").inner_text()
    booking = SupportBooking.objects.get(household=household)
    assert booking.status == BookingStatus.BOOKED and booking.message == SECRET
    assert booking.topics.count() == 1
    confirmation = [m for m in mail.outbox if "hana@example.jp" in m.to][-1]
    assert confirmation.attachments[0][0] == "consultation.ics"

    # 3. My Page lists it; the booked time is gone from the free times.
    page.goto("/my/")
    assert page.locator(f"a[href='/my/support/{booking.pk}/']").count() >= 1
    page.goto("/support/")
    assert page.locator(f"a[href='/support/slots/{first.pk}/book/']").count() == 0

    # 4. Plans change: she cancels, and 10:00 is free again for the next family.
    page.goto(f"/my/support/{booking.pk}/")
    with page.expect_navigation():  # the answer page itself, not the one still shown
        page.get_by_role("button", name="Cancel this booking").click()
    assert "Your booking is cancelled." in page.locator("main").inner_text()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    page.goto("/support/")
    assert page.locator(f"a[href='/support/slots/{first.pk}/book/']").count() == 1
