"""Mandatory two-factor enrolment: staff whose role can see personal data (everyone but ward
officials) must set up an authenticator app before any other page opens
(``hiroba.accounts.middleware.RequireMFAMiddleware``)."""

from __future__ import annotations

import base64
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt

from hiroba.core.models import AuditLog

from .helpers import (
    DASHBOARD_PATH,
    MFA_ACTIVATE_PATH,
    RECOVERY_CODES_PATH,
    confirm_password_if_asked,
    make_hub_staff,
    make_ward_official,
    message_texts,
    password_of,
    path_of,
    sign_in,
    submit_code,
    submit_password,
    totp_now,
    totp_wrong,
)

pytestmark = pytest.mark.browser

ENROL_WARNING = "Set up two-factor authentication to continue. Your role can see personal data."


def start_enrolment(page, user) -> None:
    """Sign in without an authenticator and arrive on the activation page (confirming the
    password on the way if allauth asks for it, see the test below)."""
    submit_password(page, user.email, password_of(user))
    confirm_password_if_asked(page, user)
    assert path_of(page.url) == MFA_ACTIVATE_PATH


def authenticator_types(user) -> set[str]:
    return set(Authenticator.objects.filter(user=user).values_list("type", flat=True))


def test_signing_in_without_an_authenticator_leads_straight_to_the_activation_page(page):
    """Right after typing the password the person is asked to set up the app, and told why;
    not asked for the password a second time."""
    user = make_hub_staff(with_totp=False)

    response = submit_password(page, user.email, password_of(user))

    assert response.status == 302
    assert path_of(page.url) == MFA_ACTIVATE_PATH, (
        f"expected the activation page right after signing in, got {page.url}"
    )
    assert ENROL_WARNING in message_texts(page)


def test_every_staff_page_sends_staff_without_an_authenticator_to_the_activation_page(
    page, context
):
    user = make_hub_staff(with_totp=False)
    start_enrolment(page, user)

    for url in (DASHBOARD_PATH, "/staff/hub/", "/staff/venues/", "/staff/audit/"):
        # The request API shares the browser's cookies; look at the first answer only.
        response = context.request.get(url, max_redirects=0)
        assert response.status == 302, url
        assert response.headers["location"] == MFA_ACTIVATE_PATH, url


def test_staff_set_up_an_authenticator_app_and_can_then_open_the_dashboard(page, new_context):
    user = make_hub_staff(with_totp=False)
    start_enrolment(page, user)

    # The QR code is an inline SVG image (allowed by the CSP's img-src data:) ...
    qr_code = page.locator("img[src^='data:image/svg+xml']")
    assert qr_code.count() == 1 and qr_code.is_visible()
    svg = base64.b64decode(qr_code.get_attribute("src").split(",", 1)[1]).decode()
    assert "<svg" in svg
    # ... and the secret is shown for typing in by hand, in a field that is not submitted.
    secret_field = page.locator("input#authenticator_secret")
    assert secret_field.is_disabled()
    secret = secret_field.input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)

    response = submit_code(page, totp_now(secret))

    assert response.status == 302
    assert path_of(page.url) == RECOVERY_CODES_PATH
    codes = page.locator("textarea#recovery_codes").input_value().split()
    assert len(codes) == 10 and all(code.isdigit() for code in codes)

    dashboard = page.goto(DASHBOARD_PATH)
    assert dashboard.status == 200
    assert path_of(page.url) == DASHBOARD_PATH
    assert page.locator("main#main h1").inner_text().strip() == user.memberships.get().hub.name

    assert authenticator_types(user) == {"totp", "recovery_codes"}
    totp = Authenticator.objects.get(user=user, type="totp")
    assert decrypt(totp.data["secret"]) == secret  # the app holds what the page showed
    added = AuditLog.objects.filter(
        action="accounts.mfa.added", object_type="accounts.user", object_id=str(user.pk)
    )
    assert {"type": "totp"} in list(added.values_list("payload", flat=True))

    # The next sign-in asks for a code from the app that was just set up.
    user.totp_secret = secret
    other_device = new_context().new_page()
    sign_in(other_device, user)
    assert path_of(other_device.url) == DASHBOARD_PATH


def test_a_wrong_activation_code_is_refused_and_nothing_is_set_up(page, context):
    user = make_hub_staff(with_totp=False)
    start_enrolment(page, user)
    secret = page.locator("input#authenticator_secret").input_value()

    response = submit_code(page, totp_wrong(secret))

    assert response.status == 200
    assert path_of(page.url) == MFA_ACTIVATE_PATH
    assert "Incorrect code." in page.locator(".field--error").inner_text()
    assert page.locator("input[name=code]").get_attribute("aria-invalid") == "true"
    # The same secret is offered again, so a slow typist can simply retry.
    assert page.locator("input#authenticator_secret").input_value() == secret
    assert authenticator_types(user) == set()
    still_blocked = context.request.get(DASHBOARD_PATH, max_redirects=0)
    assert still_blocked.headers["location"] == MFA_ACTIVATE_PATH


def test_ward_officials_are_not_made_to_set_up_an_authenticator(page, context):
    user = make_ward_official()

    response = sign_in(page, user)

    assert response.status == 302
    assert path_of(page.url) == DASHBOARD_PATH
    assert page.locator("img[src^='data:image/svg+xml']").count() == 0
    assert ENROL_WARNING not in message_texts(page)
    venues = context.request.get("/staff/venues/", max_redirects=0)
    assert venues.status == 200
    assert authenticator_types(user) == set()
