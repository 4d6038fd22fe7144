"""The 子サポ staff pages: the member list, registering from the registry, the member page and
its actions, and the fee simulator."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.accounts.tests.factories import MembershipFactory
from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import HubFactory
from hiroba.families.tests.factories import AT_NOON, caregiver, child
from hiroba.kosapo.choices import MemberKind, MemberStatus
from hiroba.kosapo.models import KosapoMember
from hiroba.kosapo.tests.factories import brief, member, resident_family

pytestmark = [pytest.mark.django_db, AT_NOON]


@pytest.fixture
def coordinator(client, world):
    client.cookies["hiroba_language"] = "en"
    client.force_login(world.a.person(Role.KOSAPO_COORDINATOR))
    return client


def _url(name, **kwargs):
    return reverse(f"kosapo:{name}", kwargs=kwargs)


def test_the_list_shows_current_members_and_filters(coordinator, world):
    user = member(world.a.hub, activate=True)
    provider = member(world.a.hub, MemberKind.PROVIDER)
    other_city = member(world.b.hub)
    page = coordinator.get(_url("member-list")).content.decode()
    assert user.number in page and str(provider.person) in page
    assert f"/members/{other_city.pk}/" not in page
    only_providers = coordinator.get(_url("member-list"), {"kind": "provider"}).content.decode()
    assert str(provider.person) in only_providers and str(user.person) not in only_providers


def test_registering_starts_from_the_family_search(coordinator, world):
    household = resident_family(world.a.hub)
    found = coordinator.get(_url("member-create"), {"family": household.card_number})
    assert f"?household={household.pk}" in found.content.decode()
    person = household.members.caregivers().get()
    response = coordinator.post(
        _url("member-create") + f"?household={household.pk}",
        {"household": household.pk, "person": person.pk, "kind": "user", "notes": "ピアノ教室"},
    )
    made = KosapoMember.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{made.pk}/")
    assert (made.person, made.status, made.notes) == (
        person,
        MemberStatus.PROVISIONAL,
        "ピアノ教室",
    )


def test_a_refused_registration_says_why_and_saves_nothing(client, world):
    client.force_login(world.a.person(Role.KOSAPO_COORDINATOR))  # Japanese, as staff see it
    household = resident_family(world.a.hub)
    response = client.post(
        _url("member-create") + f"?household={household.pk}",
        {"person": household.members.caregivers().get().pk, "kind": "provider"},
    )
    assert response.status_code == 200
    assert "生年月日" in response.content.decode()
    assert not KosapoMember.objects.exists()


def test_a_family_of_another_city_cannot_be_chosen(coordinator, world):
    foreign = resident_family(world.b.hub)
    assert coordinator.get(_url("member-create"), {"household": foreign.pk}).status_code == 404
    assert coordinator.get(_url("member-create"), {"household": "x"}).status_code == 404


def test_the_member_page_is_audited_and_walks_to_registration(coordinator, world):
    made = member(world.a.hub, MemberKind.BOTH, household=resident_family_with_adult(world))
    page = coordinator.get(_url("member-detail", kosapo_member_id=made.pk))
    assert AuditLog.objects.filter(action="kosapo.kosapomember.viewed", object_id=made.pk).exists()
    assert "no-store" in page["Cache-Control"]
    refused = coordinator.post(
        _url("member-activate", kosapo_member_id=made.pk), {"revision": made.revision}, follow=True
    )
    assert "Record the briefing" in refused.content.decode()
    coordinator.post(
        _url("member-briefing", kosapo_member_id=made.pk),
        {
            "briefing_on": "令和8年11月1日",
            "identity_checked_on": "２０２６－１１－０１",
            "identity_document": "passport",
            "photo_received": "on",
            "revision": made.revision,
        },
    )
    for item, minutes in (("onsite", "３５０"), ("elearning", "790")):
        coordinator.post(
            _url("training-add", kosapo_member_id=made.pk),
            {"item": item, "minutes": minutes, "completed_on": "2026-11-10"},
        )
    for item in ("life_saving", "accident_prevention"):
        coordinator.post(
            _url("training-add", kosapo_member_id=made.pk),
            {"item": item, "minutes": "120", "completed_on": "2026-11-11"},
        )
    made.refresh_from_db()
    coordinator.post(_url("member-activate", kosapo_member_id=made.pk), {"revision": made.revision})
    made.refresh_from_db()
    assert made.status == MemberStatus.ACTIVE
    assert made.identity_document == "passport"
    page = coordinator.get(_url("member-detail", kosapo_member_id=made.pk)).content.decode()
    assert "Trained and offered for matching." in page


def resident_family_with_adult(world):
    return resident_family(world.a.hub, caregiver(birth_date=date(1990, 1, 1)), child())


def test_withdrawal_asks_for_the_reason(coordinator, world):
    made = member(world.a.hub, activate=True)
    url = _url("member-withdraw", kosapo_member_id=made.pk)
    assert coordinator.post(url, {"reason": ""}).status_code == 200
    made.refresh_from_db()
    assert made.status == MemberStatus.ACTIVE
    coordinator.post(url, {"reason": "転居のため", "revision": made.revision})
    made.refresh_from_db()
    assert (made.status, made.status_reason) == (MemberStatus.WITHDRAWN, "転居のため")


def test_a_member_of_another_city_or_hub_is_not_found(coordinator, world):
    foreign = member(world.b.hub)
    brief(foreign)
    neighbour = member(HubFactory(ward=world.a.ward))
    for other in (foreign, neighbour):
        assert coordinator.get(_url("member-detail", kosapo_member_id=other.pk)).status_code == 404
        url = _url("member-activate", kosapo_member_id=other.pk)
        assert coordinator.post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == MemberStatus.PROVISIONAL


def test_satellite_staff_work_with_the_main_hubs_members(client, world):
    made = member(world.a.hub)
    coordinator = MembershipFactory(hub=world.a.satellite, role=Role.KOSAPO_COORDINATOR).user
    client.force_login(coordinator)
    assert client.get(_url("member-detail", kosapo_member_id=made.pk)).status_code == 200


@pytest.mark.parametrize("value", ["²", "x", "-1", "99999999999999999999999"])
def test_odd_ids_are_not_found_rather_than_errors(coordinator, world, value):
    made = member(world.a.hub)
    assert coordinator.get(_url("member-create"), {"household": value}).status_code == 404
    response = coordinator.post(_url("member-renew", kosapo_member_id=made.pk), {"revision": value})
    assert response.status_code == 302


def test_the_simulator_prices_full_width_input(coordinator):
    page = coordinator.get(
        _url("fee-simulator"),
        {"day": "2026-11-18", "starts": "１０：００", "ends": "11時30分", "children": "２"},
    ).content.decode()
    # 90 min, two children: 750 + 375 for the family, 750 × 2 from the city.
    assert "1,125 yen" in page and "1,500 yen" in page and "2,625 yen" in page


def test_the_simulator_says_what_is_wrong(client, world):
    client.force_login(world.a.person(Role.HUB_STAFF))
    page = client.get(
        _url("fee-simulator"),
        {"day": "2026-11-18", "starts": "11:00", "ends": "10:00", "children": "1"},
    ).content.decode()
    assert "同じ日" in page
    old = client.get(
        _url("fee-simulator"),
        {"day": "1999-01-04", "starts": "10:00", "ends": "11:00", "children": "1"},
    ).content.decode()
    assert "料金表" in old
