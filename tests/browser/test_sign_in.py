"""Signing in as Japanese staff really type: e-mail addresses in full-width characters."""

from __future__ import annotations

import pytest

from .helpers import (
    DASHBOARD_PATH,
    MFA_AUTHENTICATE_PATH,
    make_hub_staff,
    password_of,
    path_of,
    session_user_id,
    submit_code,
    submit_password,
    totp_now,
)

pytestmark = pytest.mark.browser


def test_an_e_mail_typed_in_full_width_characters_signs_in(page, context):
    """A Japanese IME left in full-width mode types ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ; the sign-in
    form normalises it (hiroba.accounts.forms.LoginForm) instead of refusing it."""
    user = make_hub_staff(email="hanako@example.jp")

    response = submit_password(page, "ｈａｎａｋｏ＠ＥＸＡＭＰＬＥ．ｊｐ", password_of(user))

    errors = " ".join(page.locator(".field__error, [role=alert]").all_inner_texts())
    assert response.status == 302, f"the sign-in form refused the address: {errors}"
    assert path_of(page.url) == MFA_AUTHENTICATE_PATH
    submit_code(page, totp_now(user.totp_secret))
    assert path_of(page.url) == DASHBOARD_PATH
    assert session_user_id(context) == str(user.pk)
