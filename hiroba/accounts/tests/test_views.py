"""Staff pages of the accounts app: hub switcher, staff list, invitation form."""

import pytest
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.accounts.context import SESSION_KEY
from hiroba.accounts.tests.factories import MembershipFactory, UserFactory, failed_sign_ins


@pytest.fixture
def coordinator(world, client):
    """Someone with roles at two unrelated hubs of city A."""
    person = world.a.person(Role.HUB_STAFF)
    other_hub = MembershipFactory(
        user=person, role=Role.VOLUNTEER, hub__ward__municipality=world.a.municipality
    ).hub
    client.force_login(person)
    return client, other_hub


def test_switching_to_a_hub_in_reach(world, coordinator):
    client, other_hub = coordinator
    response = client.post(
        reverse("accounts:switch-hub"), {"hub": other_hub.pk, "next": "/staff/venues/"}
    )
    assert response.status_code == 302 and response.url == "/staff/venues/"
    assert client.session[SESSION_KEY] == other_hub.pk
    assert client.get("/staff/").context["hub"] == other_hub


def test_switching_to_a_foreign_hub_is_404(world, coordinator):
    client, _ = coordinator
    response = client.post(reverse("accounts:switch-hub"), {"hub": world.b.hub.pk})
    assert response.status_code == 404
    assert client.session.get(SESSION_KEY) is None


def test_switching_never_redirects_to_another_site(world, coordinator):
    client, other_hub = coordinator
    response = client.post(
        reverse("accounts:switch-hub"), {"hub": other_hub.pk, "next": "https://evil.example.com/"}
    )
    assert response.url == reverse("hubs:dashboard")


def test_a_bad_hub_value_is_a_bad_request(world, coordinator):
    client, _ = coordinator
    assert client.post(reverse("accounts:switch-hub"), {"hub": "abc"}).status_code == 400


def test_the_invitation_form_explains_bad_input_in_japanese(world, client):
    client.force_login(world.a.person(Role.HUB_MANAGER))
    response = client.post(
        reverse("accounts:staff-invite"),
        {
            "full_name": "",
            "email": "not-an-address",
            "role": "city_admin",
            "full_name_kana": "山田",
        },
    )
    errors = response.context["form"].errors
    assert set(errors) == {"full_name", "email", "role", "full_name_kana"}
    assert "ふりがな" in " ".join(errors["full_name_kana"])


def test_the_staff_list_shows_lockout_and_two_factor_state(world, client, settings):
    client.force_login(world.a.person(Role.HUB_MANAGER))
    locked = MembershipFactory(hub=world.a.hub, user=UserFactory(totp=False)).user
    failed_sign_ins(locked.email, settings.AXES_FAILURE_LIMIT)
    rows = {
        row["membership"].user: row
        for row in client.get(reverse("accounts:staff-list")).context["rows"]
    }
    assert rows[locked]["locked"] and not rows[locked]["mfa"]
    assert rows[world.a.person(Role.HUB_STAFF)]["mfa"]
