from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.utils import timezone

from hiroba.accounts.choices import Role
from hiroba.accounts.tests.factories import TEST_PASSWORD
from hiroba.core.models import AuditLog


@pytest.fixture
def signed_in(world, client):
    client.force_login(world.a.person(Role.HUB_STAFF))
    return client


def test_thirty_idle_minutes_end_the_session(signed_in):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert signed_in.get("/staff/").status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert signed_in.get("/staff/").status_code == 200
        traveller.shift(timedelta(minutes=29))  # activity 29 min ago: still fine
        assert signed_in.get("/staff/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = signed_in.get("/staff/venues/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=%2Fstaff%2Fvenues%2F"
    assert AuditLog.objects.filter(
        action="accounts.session.expired", payload={"reason": "idle"}
    ).exists()
    assert signed_in.get("/staff/").status_code == 302  # really signed out


def test_sessions_end_after_twelve_hours_even_when_active(signed_in):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        signed_in.get("/staff/")
        for _ in range(25):
            traveller.shift(timedelta(minutes=29))
            response = signed_in.get("/staff/")
            if response.status_code == 302:
                break
    assert response.status_code == 302
    assert AuditLog.objects.filter(payload={"reason": "absolute"}).exists()


def test_background_polling_does_not_keep_a_session_alive(signed_in):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        signed_in.get("/staff/")
        for _ in range(4):
            traveller.shift(timedelta(minutes=10))
            signed_in.get("/healthz", HTTP_X_HIROBA_BACKGROUND="1")
            signed_in.get("/staff/", HTTP_X_HIROBA_BACKGROUND="1")
        response = signed_in.get("/staff/")
    # 40 minutes of background requests only: the last real activity is too old.
    assert response.status_code == 302
    assert AuditLog.objects.filter(payload={"reason": "idle"}).exists()


def test_real_activity_keeps_a_session_alive(signed_in):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        signed_in.get("/staff/")
        for _ in range(4):
            traveller.shift(timedelta(minutes=10))
            assert signed_in.get("/staff/").status_code == 200


def test_htmx_requests_are_redirected_with_a_header(signed_in):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        signed_in.get("/staff/")
        traveller.shift(timedelta(minutes=31))
        response = signed_in.get("/staff/venues/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/"


def test_staff_without_an_authenticator_must_set_one_up(world, client):
    person = world.a.person(Role.HUB_STAFF)
    Authenticator.objects.filter(user=person).delete()
    client.post("/accounts/login/", {"login": person.email, "password": TEST_PASSWORD})
    for path in ("/staff/", "/staff/venues/", "/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url == "/accounts/2fa/totp/activate/"
    # Just signed in: setting up the authenticator does not ask for the password again.
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


def test_ward_officials_may_work_without_two_factor(world, client):
    official = world.a.person(Role.WARD_OFFICIAL)
    Authenticator.objects.filter(user=official).delete()
    client.force_login(official)
    assert client.get("/staff/").status_code == 200


def test_demo_mode_relaxes_two_factor(world, client, settings):
    settings.DEMO_MODE = True
    person = world.a.person(Role.HUB_STAFF)
    Authenticator.objects.filter(user=person).delete()
    client.force_login(person)
    assert client.get("/staff/").status_code == 200


def test_two_factor_changes_later_in_a_session_ask_for_the_password(world, client):
    person = world.a.person(Role.HUB_STAFF)
    client.force_login(person)  # no fresh sign-in record
    response = client.get("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302 and response.url.startswith("/accounts/reauthenticate/")
