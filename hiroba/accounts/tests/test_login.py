"""Sign-in over HTTP: full-width input, lockout, audit rows, switched-off allauth pages.
(The browser tests in tests/browser cover the same flows in Chromium.)"""

import pyotp
import pytest
from allauth.account import signals as account_signals
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.accounts.tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from hiroba.core.models import AuditLog

LOGIN = "/accounts/login/"
RESET = "/accounts/password/reset/"


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


def test_a_password_reset_lifts_the_lockout_and_is_audited(client, person, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, person.email, "wrong password 123")
    assert _login(client, person.email).status_code == 429
    account_signals.password_reset.send(sender=type(person), request=None, user=person)
    assert _login(client, person.email).status_code == 302
    assert AuditLog.objects.filter(
        action="accounts.password.reset", object_id=str(person.pk)
    ).exists()


def test_changing_the_password_is_audited(client, person):
    _login(client, person.email)
    new = "another long password 2026"
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": TEST_PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="accounts.password.changed", actor=person).exists()


def test_two_factor_changes_ask_for_the_password_even_right_after_sign_in(client, db):
    secret = pyotp.random_base32()
    person = MembershipFactory(
        user=UserFactory(email="taro@example.jp", totp=secret), role=Role.HUB_STAFF
    ).user
    client.post(LOGIN, {"login": person.email, "password": TEST_PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(secret).now()})
    assert client.get("/staff/").status_code == 200  # fully signed in, moments ago
    response = client.get("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302 and response.url.startswith("/accounts/reauthenticate/")


def test_many_failures_from_one_address_are_throttled_across_accounts(client, person, settings):
    """Per-IP throttling (allauth) backs the per-account lockout (axes): guessing one password
    for many accounts from one address is slowed down too (docs/decisions/0004)."""
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "20/m/ip,10/5m/key"}
    cache.clear()
    for number in range(20):
        _login(client, f"nobody{number}@example.jp", "guess guess 123")
    # Now even the right password of a real account is refused from this address for a while.
    response = _login(client, person.email)
    assert response.status_code == 200
    assert "ログイン失敗が連続しています" in str(response.context["form"].non_field_errors())
    assert client.get("/staff/").status_code == 302


def test_a_password_reset_answers_alike_for_known_and_unknown_addresses(client, person):
    known = client.post(RESET, {"email": person.email.upper()})
    unknown = client.post(RESET, {"email": "nobody@example.jp"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    reset, no_account = mail.outbox
    assert reset.to == [person.email] and "/accounts/password/reset/key/" in reset.body
    assert no_account.to == ["nobody@example.jp"] and "/reset/key/" not in no_account.body


def test_reset_mails_are_sent_only_after_the_answer(client, person, monkeypatch):
    """Building the reset link took longer than the unknown-account mail: a timing oracle for
    which addresses have accounts (bench/credential_stuffing.py). The view now only answers."""
    from hiroba.core import after_response  # noqa: PLC0415

    held = []
    monkeypatch.setattr(after_response, "run_after_response", lambda r, work: held.append(work))
    client.post(RESET, {"email": person.email})
    assert mail.outbox == [] and len(held) == 1
    held[0]()
    assert [message.to for message in mail.outbox] == [[person.email]]


def test_signing_in_gives_a_new_session_key(client, person):
    """A session id planted before sign-in (session fixation) is worthless after it."""
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    client.cookies["sessionid"] = before
    _login(client, person.email)
    after = client.cookies["sessionid"].value
    assert after and after != before
    assert client.get("/staff/").status_code == 200


def test_signing_out_ends_the_session_on_the_server(client, person):
    _login(client, person.email)
    key = client.cookies["sessionid"].value
    client.post(reverse("account_logout"))
    from django.contrib.sessions.backends.db import SessionStore  # noqa: PLC0415

    assert not SessionStore().exists(key)
