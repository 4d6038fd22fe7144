import re

import pytest
from allauth.usersessions.models import UserSession
from django.core import mail
from django.test import Client
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.accounts.models import Membership
from hiroba.accounts.tests.factories import MembershipFactory
from hiroba.core.tests.factories import MunicipalityFactory


@pytest.fixture
def city_admin(world, client):
    client.force_login(world.a.person(Role.CITY_ADMIN))
    return client


def test_the_list_shows_this_citys_ward_and_city_accounts_only(world, city_admin):
    page = city_admin.get(reverse("accounts:city-accounts")).content.decode()
    assert world.a.person(Role.WARD_OFFICIAL).email in page
    assert world.b.person(Role.WARD_OFFICIAL).email not in page


def test_adding_a_ward_official(world, city_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = city_admin.post(
            reverse("accounts:city-account-invite"),
            {
                "full_name": "区 職員",
                "email": "kushokuin@example.jp",
                "role": "ward_official",
                "ward": world.a.ward.pk,
            },
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="kushokuin@example.jp")
    assert (membership.role, membership.ward, membership.hub) == (
        Role.WARD_OFFICIAL,
        world.a.ward,
        None,
    )
    assert re.search(r"/accounts/password/reset/key/", mail.outbox[0].body)


def test_a_ward_official_needs_a_ward_of_this_city(world, city_admin):
    for ward in ("", world.b.ward.pk):
        response = city_admin.post(
            reverse("accounts:city-account-invite"),
            {"full_name": "x", "email": "x@example.jp", "role": "ward_official", "ward": ward},
        )
        assert "ward" in response.context["form"].errors
    assert not Membership.objects.filter(user__email="x@example.jp").exists()


def test_removing_a_ward_official_signs_them_out(world, city_admin):
    official = world.a.person(Role.WARD_OFFICIAL)
    other = Client()
    other.force_login(official)
    other.get("/staff/")
    membership = official.memberships.get()
    city_admin.post(
        reverse("accounts:city-account-deactivate", kwargs={"city_membership_id": membership.pk})
    )
    membership.refresh_from_db()
    assert membership.is_active is False
    assert not UserSession.objects.filter(user=official).exists()


def test_a_city_keeps_one_administrator(world, city_admin):
    admin = world.a.person(Role.CITY_ADMIN)
    second = MembershipFactory(hub=None, municipality=world.a.municipality, role=Role.CITY_ADMIN)
    city_admin.post(
        reverse("accounts:city-account-deactivate", kwargs={"city_membership_id": second.pk})
    )
    second.refresh_from_db()
    assert second.is_active is False  # another administrator remains: allowed
    # Nobody removes themselves, and the last one stays.
    city_admin.post(
        reverse(
            "accounts:city-account-deactivate",
            kwargs={"city_membership_id": admin.memberships.get().pk},
        )
    )
    assert admin.memberships.get().is_active is True


def test_a_city_administrator_of_a_city_without_hubs_gets_a_dashboard(client, db):
    city = MunicipalityFactory()
    admin = MembershipFactory(hub=None, municipality=city, role=Role.CITY_ADMIN).user
    client.force_login(admin)
    response = client.get("/staff/")
    assert response.status_code == 200
    assert response.templates[0].name == "hubs/no_hub.html"
