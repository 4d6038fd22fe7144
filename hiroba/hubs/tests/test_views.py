"""Hub administration pages as staff use them (permissions are covered by the matrix test)."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.core.models import AuditLog, Hub, Venue
from hiroba.core.tests.factories import DistrictFactory, VenueFactory


@pytest.fixture
def manager(world, client):
    client.force_login(world.a.person(Role.HUB_MANAGER))
    return client


def test_the_dashboard_shows_the_hub_and_its_contract_year(world, manager, settings):
    response = manager.get(reverse("hubs:dashboard"))
    page = response.content.decode()
    assert response.status_code == 200
    assert world.a.hub.name in page
    assert "年度目／5か年度" in page  # the contract year label


def test_the_dashboard_counts_staff_without_two_factor(world, manager):
    Authenticator.objects.filter(user=world.a.person(Role.VOLUNTEER)).delete()
    response = manager.get(reverse("hubs:dashboard"))
    assert response.context["staff_summary"]["missing_mfa"] == 1


def test_editing_the_hub_normalises_input_and_is_audited(world, manager):
    hub = world.a.hub
    response = manager.post(
        reverse("hubs:hub-edit", kwargs={"hub_id": hub.pk}),
        {
            "name": hub.name,
            "name_kana": "ﾃｽﾄ ｷｮﾃﾝ",
            "postal_code": "２２５－０００２",
            "address": "横浜市はなみずき区さくら台１－２－３",
            "phone": "045(999)5555",
            "email": "",
            "opening_hours": "火〜土 9:30〜16:00",
            "opened_on": "H23.8.1",
            "contract_start_fiscal_year": "令和5年度",
            "contract_term_years": "5",
        },
    )
    assert response.status_code == 302
    hub.refresh_from_db()
    assert (hub.name_kana, hub.postal_code, hub.phone) == (
        "テスト キョテン",
        "2250002",
        "0459995555",
    )
    assert hub.address == "横浜市はなみずき区さくら台1-2-3"
    assert str(hub.opened_on) == "2011-08-01"
    assert AuditLog.objects.filter(action="core.hub.updated", hub=hub).exists()


def test_invalid_hub_input_saves_nothing(world, client):
    client.force_login(world.a.person(Role.CITY_ADMIN))  # who may also edit the contract
    manager = client
    hub = world.a.hub
    before = Hub.objects.values().get(pk=hub.pk)
    response = manager.post(
        reverse("hubs:hub-edit", kwargs={"hub_id": hub.pk}),
        {
            "name": "",
            "phone": "123",
            "postal_code": "12",
            "contract_start_fiscal_year": "来年",
            "contract_term_years": "0",
            "opened_on": "R1.4.30",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {
        "name",
        "phone",
        "postal_code",
        "contract_start_fiscal_year",
        "contract_term_years",
        "opened_on",
    }
    assert Hub.objects.values().get(pk=hub.pk) == before
    assert not AuditLog.objects.filter(action="core.hub.updated").exists()


def test_adding_a_venue(world, manager):
    district = DistrictFactory(ward=world.a.ward)
    response = manager.post(
        reverse("hubs:venue-create"),
        {
            "name": "出張ひろば 新会場",
            "kind": "community_centre",
            "district": district.pk,
            "capacity_pairs": "１２",
            "sort_order": "3",
            "postal_code": "",
            "address": "",
        },
    )
    assert response.status_code == 302
    venue = Venue.objects.get(name="出張ひろば 新会場")
    assert (venue.hub, venue.district, venue.capacity_pairs) == (world.a.hub, district, 12)


def test_a_drop_in_room_needs_a_capacity(world, manager):
    response = manager.post(
        reverse("hubs:venue-create"), {"name": "ひろば", "kind": "hiroba_room", "sort_order": "0"}
    )
    assert response.status_code == 200
    assert "capacity_pairs" in response.context["form"].errors
    assert not Venue.objects.filter(name="ひろば").exists()


def test_districts_of_other_wards_are_not_offered(world, manager):
    foreign = DistrictFactory(ward=world.b.ward)
    response = manager.post(
        reverse("hubs:venue-create"),
        {"name": "会場X", "kind": "park", "district": foreign.pk, "sort_order": "0"},
    )
    assert "district" in response.context["form"].errors
    assert not Venue.objects.filter(name="会場X").exists()


def test_closing_and_reopening_a_venue(world, manager):
    venue = VenueFactory(hub=world.a.hub)
    url = reverse("hubs:venue-set-active", kwargs={"venue_id": venue.pk})
    manager.post(url, {"active": "0"})
    assert Venue.objects.get(pk=venue.pk).is_active is False
    manager.post(url, {"active": "1"})
    assert Venue.objects.get(pk=venue.pk).is_active is True
    assert list(
        AuditLog.objects.filter(object_type="core.venue")
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["core.venue.deactivated", "core.venue.reactivated"]


def test_district_names_are_unique_in_a_ward(world, manager):
    DistrictFactory(ward=world.a.ward, name="さくら台地区")
    response = manager.post(
        reverse("hubs:district-create"), {"name": " さくら台地区 ", "sort_order": "0"}
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


def test_only_the_city_sets_the_contract_term(world, client):
    hub = world.a.hub
    data = {"name": hub.name, "contract_start_fiscal_year": "2020", "contract_term_years": "3"}
    client.force_login(world.a.person(Role.HUB_MANAGER))
    client.post(reverse("hubs:hub-edit", kwargs={"hub_id": hub.pk}), data)
    hub.refresh_from_db()
    assert (hub.contract_start_fiscal_year, hub.contract_term_years) == (2023, 5)
    client.force_login(world.a.person(Role.CITY_ADMIN))
    client.post(reverse("hubs:hub-edit", kwargs={"hub_id": hub.pk}), data)
    hub.refresh_from_db()
    assert (hub.contract_start_fiscal_year, hub.contract_term_years) == (2020, 3)
