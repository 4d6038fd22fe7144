"""Sign-in over HTTP: full-width input, lockout, audit rows, switched-off allauth pages.
(The browser tests in tests/browser cover the same flows in Chromium.)"""

import pytest
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.accounts.tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from hiroba.core.models import AuditLog

LOGIN = "/accounts/login/"


@pytest.fixture
def person(db):
    return MembershipFactory(
        user=UserFactory(email="hanako@example.jp", totp=False),
        role=Role.WARD_OFFICIAL,
        hub=None,
        ward=MembershipFactory().hub.ward,
    ).user


def _login(client, login, password=TEST_PASSWORD):
    return client.post(LOGIN, {"login": login, "password": password})


def test_a_full_width_e_mail_signs_in(client, person):
    response = _login(client, "ｈａｎａｋｏ＠ＥＸＡＭＰＬＥ．ｊｐ")
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
    assert AuditLog.objects.filter(action="accounts.login.succeeded", actor=person).exists()


def test_a_wrong_password_is_logged_without_the_typed_value(client, person):
    response = _login(client, person.email, "wrong password 123")
    assert response.status_code == 200
    row = AuditLog.objects.get(action="accounts.login.failed")
    assert row.object_id == str(person.pk) and row.payload == {"known_account": True}
    assert "wrong" not in str(row.payload)


def test_unknown_accounts_are_not_named(client, db):
    _login(client, "nobody@example.jp", "x" * 12)
    row = AuditLog.objects.get(action="accounts.login.failed")
    assert row.object_id == "" and row.payload == {"known_account": False}


def test_five_wrong_passwords_lock_the_account(client, person, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, person.email, "wrong password 123").status_code == 200
    assert _login(client, person.email, "wrong password 123").status_code == 429
    locked = _login(client, person.email)  # even the right password
    assert locked.status_code == 429
    assert client.get("/staff/").status_code == 302
    assert AuditLog.objects.filter(action="accounts.login.locked_out").exists()


def test_the_lockout_is_per_account(client, person, settings):
    other = MembershipFactory(
        user=UserFactory(email="other@example.jp", totp=False),
        role=Role.WARD_OFFICIAL,
        hub=None,
        ward=person.memberships.get().ward,
    )
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, person.email, "wrong password 123")
    assert _login(client, other.user.email).status_code == 302


@pytest.mark.parametrize("path", ["/accounts/signup/", "/accounts/email/"])
def test_self_service_sign_up_and_e_mail_changes_are_off(client, db, path):
    assert client.get(path).status_code == 404


def test_the_login_page_is_japanese_by_default(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert 'lang="ja"' in response.content.decode()


def test_logout_is_recorded(client, person):
    _login(client, person.email)
    client.post(reverse("account_logout"))
    assert AuditLog.objects.filter(action="accounts.logout.done", actor=person).exists()
