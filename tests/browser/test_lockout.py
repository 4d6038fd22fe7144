"""Account lockout (django-axes): five wrong passwords lock an account for 15 minutes.

The lockout counts per account (e-mail), not per address: a hub office behind one NAT address
must not be locked out as a whole because one person mistyped.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.utils import timezone

from hiroba.core.models import AuditLog

from .helpers import (
    DASHBOARD_PATH,
    LOGIN_PATH,
    MFA_AUTHENTICATE_PATH,
    WRONG_PASSWORD,
    first_hop,
    lock_out,
    make_hub_staff,
    password_of,
    path_of,
    query_of,
    session_user_id,
    sign_in,
    submit_code,
    submit_password,
    totp_now,
)

pytestmark = pytest.mark.browser

LOCKED_HEADING = "Sign-in temporarily locked"
LOCKED_TEXT = (
    "Too many wrong passwords were entered for this account. For your safety, sign-in is "
    "locked for 15 minutes."
)
WRONG_PASSWORD_TEXT = "The email address and/or password you specified are not correct."


def assert_lockout_page(page, response) -> None:
    assert response.status == 429
    assert page.locator("h1").inner_text().strip() == LOCKED_HEADING
    assert LOCKED_TEXT in page.locator("[role=alert]").inner_text()
    # The way out is offered: back to sign-in and a password reset.
    assert page.locator("a[href='/accounts/password/reset/']").count() == 1
    assert page.locator("input[name=password]").count() == 0


def assert_not_signed_in(context) -> None:
    assert session_user_id(context) is None
    status, location = first_hop(context, DASHBOARD_PATH)
    assert status == 302
    assert path_of(location) == LOGIN_PATH
    assert query_of(location).get("next") == [DASHBOARD_PATH]


def failures_counted(email: str) -> int:
    attempts = AccessAttempt.objects.filter(username=email)
    return sum(attempt.failures_since_start for attempt in attempts)


def test_it_locks_the_account_after_five_wrong_passwords(page, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    user = make_hub_staff()

    *warnings, fifth = lock_out(page, user.email, failures=5)

    assert [response.status for response in warnings] == [200, 200, 200, 200]
    assert_lockout_page(page, fifth)
    assert failures_counted(user.email) == 5
    locked = AuditLog.objects.filter(action="accounts.login.locked_out", object_id=str(user.pk))
    assert locked.exists()


def test_the_first_four_wrong_passwords_only_show_an_error(page):
    user = make_hub_staff()

    for attempt in range(1, 5):
        response = submit_password(page, user.email, WRONG_PASSWORD)
        assert response.status == 200, f"attempt {attempt}"
        assert path_of(page.url) == LOGIN_PATH
        assert WRONG_PASSWORD_TEXT in page.locator("form [role=alert]").inner_text()
        assert page.locator("input[name=password]").count() == 1
    assert failures_counted(user.email) == 4


def test_the_correct_password_is_refused_while_the_account_is_locked(page, context):
    user = make_hub_staff()
    lock_out(page, user.email)

    response = submit_password(page, user.email, password_of(user))

    assert_lockout_page(page, response)
    assert path_of(page.url) != MFA_AUTHENTICATE_PATH  # the password was not even checked
    assert_not_signed_in(context)


def test_changing_the_case_of_the_e_mail_does_not_dodge_the_lockout(page, context):
    user = make_hub_staff(email="hanako.yamada@example.jp")
    lock_out(page, user.email, failures=3)
    *_, fifth = lock_out(page, "Hanako.Yamada@EXAMPLE.jp", failures=2)
    assert fifth.status == 429

    response = submit_password(page, "HANAKO.YAMADA@example.jp", password_of(user))

    assert_lockout_page(page, response)
    assert_not_signed_in(context)


def test_the_lockout_ends_after_the_fifteen_minute_cool_off(page, context, settings):
    """Time travels with time_machine, which changes the clock for the whole process, so the
    live server thread sees it too. The attempt made during the lockout does not extend it."""
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    user = make_hub_staff()
    lock_out(page, user.email)
    locked_at = timezone.now()

    with time_machine.travel(locked_at + timedelta(minutes=14), tick=True):
        still_locked = submit_password(page, user.email, password_of(user))
        assert_lockout_page(page, still_locked)

    with time_machine.travel(locked_at + timedelta(minutes=15, seconds=30), tick=True):
        response = submit_password(page, user.email, password_of(user))
        assert response.status == 302
        assert path_of(page.url) == MFA_AUTHENTICATE_PATH
        submit_code(page, totp_now(user.totp_secret))
        assert path_of(page.url) == DASHBOARD_PATH
        assert session_user_id(context) == str(user.pk)


def test_a_locked_account_does_not_lock_out_other_accounts(page, new_context):
    locked = make_hub_staff()
    colleague = make_hub_staff()
    lock_out(page, locked.email)

    # Same browser, same address, same user agent: only the account differs.
    response = sign_in(page, colleague)

    assert response.status == 302
    assert path_of(page.url) == DASHBOARD_PATH
    # ...and the first account is still locked, also from another device.
    other_device = new_context().new_page()
    assert_lockout_page(
        other_device, submit_password(other_device, locked.email, password_of(locked))
    )


def test_a_successful_sign_in_clears_the_earlier_wrong_passwords(page, new_context):
    user = make_hub_staff()
    lock_out(page, user.email, failures=4)

    sign_in(page, user)
    assert path_of(page.url) == DASHBOARD_PATH
    assert failures_counted(user.email) == 0

    # Had the four failures carried over, the very next wrong password would lock the account.
    other_device = new_context().new_page()
    *before_limit, fifth = lock_out(other_device, user.email, failures=5)
    assert [response.status for response in before_limit] == [200, 200, 200, 200]
    assert_lockout_page(other_device, fifth)
