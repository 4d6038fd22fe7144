"""Signing in with two factors: the password alone is not enough once an authenticator app is
set up; a one-time recovery code can stand in for the app's code."""

from __future__ import annotations

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

from .helpers import (
    DASHBOARD_PATH,
    LOGIN_PATH,
    MFA_AUTHENTICATE_PATH,
    TOTP_PERIOD,
    audit_actions,
    first_hop,
    make_hub_staff,
    open_in_new_tab,
    password_of,
    path_of,
    session_user_id,
    submit_code,
    submit_password,
    totp_now,
    totp_wrong,
)

pytestmark = pytest.mark.browser

INCORRECT_CODE = "Incorrect code."


def code_error(page) -> str:
    return " ".join(page.locator(".field--error").all_inner_texts())


def activate_recovery_codes(user) -> list[str]:
    return RecoveryCodes.activate(user).get_unused_codes()


def unused_recovery_codes(user) -> list[str]:
    instance = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return RecoveryCodes(instance).get_unused_codes()


def test_the_password_alone_does_not_sign_in_staff_with_an_authenticator(page, context):
    user = make_hub_staff()

    response = submit_password(page, user.email, password_of(user))

    assert response.status == 302
    assert path_of(page.url) == MFA_AUTHENTICATE_PATH
    assert page.locator("input[name=code]").count() == 1
    assert session_user_id(context) is None
    # Another tab of the same browser cannot open the console either: it is sent to sign in
    # (where the pending sign-in's code prompt comes back).
    status, location = first_hop(context, DASHBOARD_PATH)
    assert (status, path_of(location)) == (302, LOGIN_PATH)
    tab, _ = open_in_new_tab(context, DASHBOARD_PATH)
    assert path_of(tab.url) in {LOGIN_PATH, MFA_AUTHENTICATE_PATH}
    assert tab.locator("input[name=code], input[name=password]").count() == 1
    tab.close()
    assert "accounts.login.succeeded" not in audit_actions(user)


def test_a_wrong_code_is_refused_and_the_right_code_signs_in(page, context):
    user = make_hub_staff()
    submit_password(page, user.email, password_of(user))

    refused = submit_code(page, totp_wrong(user.totp_secret))

    assert refused.status == 200
    assert path_of(page.url) == MFA_AUTHENTICATE_PATH
    assert INCORRECT_CODE in code_error(page)
    assert session_user_id(context) is None
    assert "accounts.mfa.failed" in audit_actions(user)

    accepted = submit_code(page, totp_now(user.totp_secret))

    assert accepted.status == 302
    assert path_of(page.url) == DASHBOARD_PATH
    assert page.locator("main#main h1").inner_text().strip() == user.memberships.get().hub.name
    assert session_user_id(context) == str(user.pk)
    assert "accounts.login.succeeded" in audit_actions(user)


def test_an_authenticator_code_cannot_be_used_twice(page, new_context):
    user = make_hub_staff()
    totp = pyotp.TOTP(user.totp_secret, interval=TOTP_PERIOD)
    # Leave time for two sign-ins inside one 30-second window.
    code = totp_now(user.totp_secret, min_remaining=12)
    submit_password(page, user.email, password_of(user))
    submit_code(page, code)
    assert path_of(page.url) == DASHBOARD_PATH

    other_device = new_context().new_page()
    submit_password(other_device, user.email, password_of(user))
    assert totp.verify(code), "the window changed: the test would not show replay protection"
    replayed = submit_code(other_device, code)

    assert replayed.status == 200
    assert path_of(other_device.url) == MFA_AUTHENTICATE_PATH
    assert INCORRECT_CODE in code_error(other_device)


def test_a_recovery_code_signs_in_instead_of_the_authenticator_code(page, context):
    user = make_hub_staff()
    recovery_code = activate_recovery_codes(user)[0]
    submit_password(page, user.email, password_of(user))

    response = submit_code(page, recovery_code)

    assert response.status == 302
    assert path_of(page.url) == DASHBOARD_PATH
    assert session_user_id(context) == str(user.pk)
    assert recovery_code not in unused_recovery_codes(user)
    assert len(unused_recovery_codes(user)) == 9


def test_a_recovery_code_cannot_be_used_twice(page, new_context):
    user = make_hub_staff()
    recovery_code = activate_recovery_codes(user)[0]
    submit_password(page, user.email, password_of(user))
    submit_code(page, recovery_code)
    assert path_of(page.url) == DASHBOARD_PATH

    other_device = new_context()
    second = other_device.new_page()
    submit_password(second, user.email, password_of(user))
    response = submit_code(second, recovery_code)

    assert response.status == 200
    assert path_of(second.url) == MFA_AUTHENTICATE_PATH
    assert INCORRECT_CODE in code_error(second)
    assert session_user_id(other_device) is None
