"""The resource map (issue 7): a parent filters the map and list on a phone and sorts by
"near me"; a suggested place is approved by staff and appears; a manager's import with bad
rows is refused with the rows named, then a clean file is imported. Pages in English."""

from __future__ import annotations

from decimal import Decimal

import pyotp
import pytest
from django.core.cache import cache

from hiroba.accounts.choices import Role
from hiroba.accounts.tests.factories import MembershipFactory, UserFactory
from hiroba.core.tests.factories import HubFactory
from hiroba.directory.models import Resource, ResourceSuggestion
from hiroba.directory.tests.factories import resource

from .helpers import make_hub_staff, path_of, sign_in, submit

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 780}


@pytest.fixture
def hub():
    cache.clear()  # the suggestion form's rate limit
    hub = HubFactory(name="みなとひろば")
    resource(
        hub,
        "大倉山公園",
        category="park",
        latitude=Decimal("35.5221"),
        longitude=Decimal("139.6299"),
    )
    resource(
        hub,
        "駅前授乳室",
        category="baby_station",
        has_nursing_room=True,
        latitude=Decimal("35.5063"),
        longitude=Decimal("139.6172"),
    )
    resource(hub, "こどもクリニック", category="medical", latitude=None, longitude=None)
    return hub


def _card_names(page) -> list[str]:
    return page.locator(".resource-card__title a").all_inner_texts()


def test_a_parent_filters_the_map_and_list_and_sorts_by_near_me(new_context, hub, live_server):
    context = new_context()
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": 35.5060, "longitude": 139.6170})
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto("/resources/")
    assert sorted(_card_names(page)) == ["こどもクリニック", "大倉山公園", "駅前授乳室"]
    # The map draws one marker per place with a point (the clinic has none), with no tiles.
    page.locator("#resource-map.resource-map--ready").wait_for()
    assert page.locator("#resource-map path.leaflet-interactive").count() == 2

    page.locator("select[name=category]").select_option("baby_station")
    page.locator("#resource-filter button[type=submit]").click()
    page.wait_for_url("**/resources/?*")
    assert _card_names(page) == ["駅前授乳室"]
    page.locator("#resource-map.resource-map--ready").wait_for()
    assert page.locator("#resource-map path.leaflet-interactive").count() == 1

    page.goto("/resources/")
    page.locator("#near-me").click()
    page.wait_for_url("**lat=*")
    assert _card_names(page) == ["駅前授乳室", "大倉山公園", "こどもクリニック"]
    assert "km" in page.locator(".resource-card__distance").first.inner_text()
    # Page width holds on a 360 px phone: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_suggested_place_appears_once_staff_approve_it(new_context, hub):
    parent = new_context().new_page()
    parent.set_viewport_size(PHONE)
    parent.goto("/resources/suggest/")
    parent.locator("input[name=name]").fill("綱島こどもログハウス")
    parent.locator("select[name=category]").select_option("park")
    parent.locator("input[name=hours]").fill("９：００〜１７：００")
    parent.locator("textarea[name=message]").fill("雨の日も遊べます")
    parent.locator("form.form button[type=submit]").click()
    parent.wait_for_url("**/resources/")
    assert "綱島こどもログハウス" not in _card_names(parent)
    suggestion = ResourceSuggestion.objects.get()

    staff = make_hub_staff(hub=hub)
    page = new_context().new_page()
    page.goto("/accounts/login/")
    sign_in(page, staff)
    page.goto("/staff/directory/suggestions/")
    page.locator(f"a[href='/staff/directory/suggestions/{suggestion.pk}/']").click()
    page.locator("input[name=latitude]").fill("35.5386")
    page.locator("input[name=longitude]").fill("139.6344")
    page.locator("form:has(input[name=decision][value=approve]) button[type=submit]").click()
    page.wait_for_url("**/staff/directory/suggestions/")
    placed = Resource.objects.get(name="綱島こどもログハウス")
    assert placed.hours == "9:00〜17:00" and placed.has_location

    parent.goto("/resources/")
    assert "綱島こどもログハウス" in _card_names(parent)


def test_an_import_with_bad_rows_names_them_and_a_clean_file_goes_in(new_context, hub, tmp_path):
    secret = pyotp.random_base32()
    manager = UserFactory(totp=secret)
    MembershipFactory(user=manager, role=Role.HUB_MANAGER, hub=hub)
    manager.totp_secret = secret
    page = new_context().new_page()
    page.goto("/accounts/login/")
    sign_in(page, manager)

    bad = tmp_path / "bad.csv"
    bad.write_bytes("名称,種別,緯度,経度\n新横浜公園,公園,139.6,35.5\n,公園,,\n".encode("cp932"))
    page.goto("/staff/directory/import/")
    page.locator("input[type=file]").set_input_files(str(bad))
    submit(page, "form.form")
    errors = page.locator(".alert--error li").all_inner_texts()
    assert len(errors) == 2 and errors[0].startswith("Row 2") and errors[1].startswith("Row 3")
    assert page.locator("input[name=token]").count() == 0

    good = tmp_path / "good.csv"
    good.write_bytes("名称,種別,緯度,経度\n新横浜公園,公園,35.5100,139.6200\n".encode("cp932"))
    page.locator("input[type=file]").set_input_files(str(good))
    page.locator("form.form button[type=submit]").click()
    page.locator("input[name=token]").wait_for(state="attached")
    page.locator("form:has(input[name=token]) button[type=submit]").click()
    page.wait_for_url("**/staff/directory/")
    assert path_of(page.url) == "/staff/directory/"
    assert Resource.objects.filter(name="新横浜公園", source="import").exists()
