"""A parent signs up for a class on a phone: finds it, signs in with the e-mail link, applies,
follows the link in the confirmation e-mail and cancels; the family on the waiting list gets
the seat offer by e-mail and accepts it through its own link, without signing in.

Phone viewport (390×844). Texts are asserted in English (``hiroba_language=en``). A seat
offer made at night is held until the morning, so the clock is set to a late morning in
Tokyo near today (cookies keep working: their expiry is still in the future).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from hiroba.core.tests.factories import HubFactory, VenueFactory
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.programs import services
from hiroba.programs.choices import EntryStatus
from hiroba.programs.models import Entry
from hiroba.programs.tests.factories import program

from .helpers import path_of, submit

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SIGN_IN_LINK = re.compile(r"https?://[^/\s]+(/my/sign-in/[^/\s]+/(?:\?\S*)?)")
ENTRY_LINK = re.compile(r"https?://[^/\s]+(/programs/entries/[^/\s]+/)")


def _late_morning_in_tokyo() -> datetime:
    local = timezone.localtime()
    morning = local.replace(hour=11, minute=0, second=0, microsecond=0)
    return morning if morning > local else morning + timedelta(days=1)


@pytest.fixture
def daytime():
    cache.clear()
    with time_machine.travel(_late_morning_in_tokyo(), tick=True):
        yield


def _phone(new_context):
    page = new_context().new_page()
    page.set_viewport_size(PHONE)
    return page


def _mail_to(address: str):
    return [m for m in mail.outbox if address in m.to]


def _path(pattern, message) -> str:
    return pattern.search(message.body).group(1)


def test_apply_cancel_and_the_waiting_family_accepts_the_offer(new_context, daytime):
    hub = HubFactory(name="みなとひろば", phone="0451234567")
    venue = VenueFactory(hub=hub, name="ひろば室")
    prog = program(hub, title="Baby food class", venue=venue, capacity_families=1)
    hana = family(hub, caregiver(email="hana@example.jp"), child(given_name="小春"))
    momo = family(
        hub, caregiver(given_name="桃子", email="momo@example.jp"), child(given_name="蓮")
    )

    # 1. Hana finds the class and taps Apply: she is asked to sign in first.
    page = _phone(new_context)
    page.goto("/programs/")
    page.locator(f"a[href='/programs/{prog.pk}/']").click()
    page.locator(f"a[href='/programs/{prog.pk}/apply/']").click()
    assert path_of(page.url) == "/my/sign-in/"
    page.fill("input[name=email]", "ｈａｎａ＠ｅｘａｍｐｌｅ．ｊｐ")  # full-width, as typed
    page.locator("form.sign-in-form button[type=submit]").click()
    page.wait_for_url("**/my/sign-in/sent/")
    assert "If this address is registered" in page.locator("main").inner_text()

    # 2. The link in the e-mail shows a button; tapping it signs in and returns to the form.
    (sign_in_mail,) = _mail_to("hana@example.jp")
    page.goto(_path(SIGN_IN_LINK, sign_in_mail))
    page.locator("form.sign-in-confirm button[type=submit]").click()
    page.wait_for_url(f"**/programs/{prog.pk}/apply/")

    # 3. Hana and her child are ticked already; she applies and gets the seat.
    assert page.locator("input[name=members]:checked").count() == 2
    page.fill("textarea[name=message]", "Allergic to eggs")
    page.locator("form.prog-apply button[type=submit]").click()
    page.wait_for_url("**/my/entries/*/")
    assert "Your seat is confirmed." in page.locator(".prog-entry__status").inner_text()
    entry = Entry.objects.get(household=hana)
    assert entry.status == EntryStatus.CONFIRMED and entry.message == "Allergic to eggs"

    # Momo's family applies too (by phone at the hub) and waits.
    waiting = services.apply(prog, momo, list(momo.members.all()))
    assert waiting.status == EntryStatus.WAITLISTED

    # 4. The confirmation e-mail's link opens the entry on another device, and Hana cancels.
    confirmation = _mail_to("hana@example.jp")[-1]
    other_phone = _phone(new_context)
    other_phone.goto(_path(ENTRY_LINK, confirmation))
    assert "Your seat is confirmed." in other_phone.locator(".prog-entry__status").inner_text()
    other_phone.locator(".prog-cancel summary").click()
    submit(other_phone, ".prog-cancel")
    assert "Cancelled." in other_phone.locator(".prog-entry__status").inner_text()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CANCELLED

    # 5. Momo gets the seat offer by e-mail and accepts it from the link.
    offers = [m for m in _mail_to("momo@example.jp") if "/programs/entries/" in m.body]
    offer = offers[-1]
    waiting.refresh_from_db()
    assert waiting.status == EntryStatus.OFFERED
    momo_phone = _phone(new_context)
    momo_phone.goto(_path(ENTRY_LINK, offer))
    assert "A seat is free for you!" in momo_phone.locator(".prog-entry__status").inner_text()
    submit(momo_phone, "form[action$='/accept/']")
    assert "Your seat is confirmed." in momo_phone.locator(".prog-entry__status").inner_text()
    waiting.refresh_from_db()
    assert waiting.status == EntryStatus.CONFIRMED

    # 6. Back on her phone, Hana's My Page shows the cancelled class among past entries.
    page.goto("/my/")
    page.locator(".my-past > summary").click()
    assert "Cancelled." in page.locator(".my-past").inner_text()
