"""Hub staff on a tablet: a mother phones to sign up for a class, staff find her family by
furigana, enter it by phone (the roster says so and by whom), and on the day mark who came,
changing a mark with one more tap, without the page reloading.

Tablet viewport (768×1024). Texts are asserted in English (``hiroba_language=en``).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from hiroba.core.tests.factories import VenueFactory
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.programs.choices import AttendanceStatus, EntryChannel, EntryStatus
from hiroba.programs.models import Attendance, Entry
from hiroba.programs.tests.factories import program

from .helpers import make_hub_staff, path_of, sign_in

pytestmark = pytest.mark.browser
TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def staff_tablet(new_context):
    """A hub staff member signed in on a tablet; returns (page, staff, hub)."""
    staff = make_hub_staff()
    hub = staff.memberships.get().hub
    page = new_context().new_page()
    page.set_viewport_size(TABLET)
    page.goto("/accounts/login/")
    sign_in(page, staff)
    return page, staff, hub


def test_staff_enter_a_family_by_phone_and_mark_attendance(staff_tablet):
    page, staff, hub = staff_tablet
    prog = program(hub, title="離乳食教室", venue=VenueFactory(hub=hub), capacity_families=5)
    household = family(
        hub,
        caregiver(family_name="山田", given_name="花子", family_kana="ヤマダ", given_kana="ハナコ"),
        child(family_name="山田", given_name="蓮", family_kana="ヤマダ", given_kana="レン"),
    )

    page.goto(reverse("programs:entry-search", kwargs={"program_id": prog.pk}))
    page.fill("#entry-q", "やまだ")  # hiragana finds the katakana furigana, as she spells it
    page.locator("#entry-results").get_by_role("link", name="Choose").click()
    page.wait_for_url(f"**/enter/{household.pk}/")
    assert page.locator("input[name=channel][value=phone]").is_checked()  # a call, by default
    for box in page.locator("input[name=members]").all():  # she says who comes: both
        box.check()
    page.locator("form.entry-form button[type=submit]").click()

    page.wait_for_url(re.compile(rf"/staff/programs/{prog.pk}/#entry-\d+$"))
    entry = Entry.objects.get(program=prog, household=household)
    assert (entry.status, entry.channel, entry.entered_by) == (
        EntryStatus.CONFIRMED,
        EntryChannel.PHONE,
        staff,
    )
    row = page.locator(f"#entry-{entry.pk}")
    assert "Phone" in row.inner_text()
    assert (staff.full_name or staff.email) in row.inner_text()

    session = prog.sessions.get()
    page.goto(reverse("programs:attendance", kwargs={"session_id": session.pk}))
    url_before = page.url
    row = page.locator(f"#entry-{entry.pk}")
    row.get_by_role("button", name="Attended").click()
    page.wait_for_function(
        f"() => document.querySelector('#entry-{entry.pk} .attendance-btn--attended')"
        ".getAttribute('aria-pressed') === 'true'"
    )
    assert Attendance.objects.get(entry=entry, session=session).status == "attended"
    page.locator(f"#entry-{entry.pk}").get_by_role("button", name="Did not come").click()
    page.wait_for_function(
        f"() => document.querySelector('#entry-{entry.pk} .attendance-btn--absent')"
        ".getAttribute('aria-pressed') === 'true'"
    )
    assert Attendance.objects.get(entry=entry, session=session).status == (AttendanceStatus.ABSENT)
    assert page.url == url_before  # htmx swapped the row; no page load
    assert path_of(page.url) == reverse("programs:attendance", kwargs={"session_id": session.pk})
