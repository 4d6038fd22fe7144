import pytest
from django.urls import reverse

from hiroba.core.tests.factories import HubFactory, VenueFactory


@pytest.fixture
def hubs(db):
    active = HubFactory(name="ひらいている拠点", opening_hours="火〜土 9:30〜16:00")
    VenueFactory(hub=active, name="ひろば（本体）")
    VenueFactory(hub=active, name="閉じた会場", is_active=False)
    closed = HubFactory(name="閉じた拠点", is_active=False)
    return active, closed


def test_the_portal_lists_active_hubs(client, hubs):
    page = client.get(reverse("portal:home")).content.decode()
    assert "ひらいている拠点" in page and "火〜土 9:30〜16:00" in page
    assert "閉じた拠点" not in page


def test_a_hub_page_shows_its_open_venues(client, hubs):
    active, closed = hubs
    page = client.get(reverse("portal:hub", kwargs={"hub_id": active.pk})).content.decode()
    assert "ひろば（本体）" in page and "閉じた会場" not in page
    assert client.get(reverse("portal:hub", kwargs={"hub_id": closed.pk})).status_code == 404


def test_parents_can_switch_to_english(client, hubs):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/").content.decode()


def test_public_pages_are_cacheable_and_carry_security_headers(client, hubs):
    response = client.get("/")
    assert "no-store" not in response.get("Cache-Control", "")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
