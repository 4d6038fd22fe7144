"""Keyboard and screen-reader smoke tests of the sign-in pages and the staff console shell."""

from __future__ import annotations

import pytest

from .helpers import (
    DASHBOARD_PATH,
    LOGIN_PATH,
    MFA_ACTIVATE_PATH,
    MFA_AUTHENTICATE_PATH,
    confirm_password_if_asked,
    focused,
    make_hub_staff,
    password_of,
    path_of,
    sign_in,
    submit_code,
    submit_password,
    totp_wrong,
)

pytestmark = pytest.mark.browser

MAX_TABS = 12


def tab_until(page, selector: str) -> list[str]:
    """Press Tab until the element matching ``selector`` has focus; returns what got focus on
    the way. Fails if it is not reached within MAX_TABS presses."""
    target = page.locator(selector)
    visited = [focused(page)]
    for _ in range(MAX_TABS):
        if target.evaluate("element => element === document.activeElement"):
            return visited
        page.keyboard.press("Tab")
        visited.append(focused(page))
    raise AssertionError(f"Tab never reached {selector}; focus went {visited}")


def test_the_sign_in_form_is_usable_with_the_keyboard_alone(page):
    user = make_hub_staff()
    page.goto(LOGIN_PATH)

    # The e-mail field has focus when the page opens, so typing can start at once.
    assert page.locator("input[name=login]").evaluate("e => e === document.activeElement")
    page.keyboard.type(user.email)
    # Tab goes forward to the password, then to the sign-in button: never backwards.
    tab_until(page, "input[name=password]")
    page.keyboard.type(password_of(user))
    on_the_way = tab_until(page, "form:has(input[name=password]) button[type=submit]")
    assert not any("name=login" in element for element in on_the_way)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert path_of(page.url) == MFA_AUTHENTICATE_PATH


def test_tab_order_on_the_sign_in_page_is_e_mail_password_submit(page):
    page.goto(LOGIN_PATH)
    page.locator("a.skip-link").focus()  # the top of the page

    order = tab_until(page, "form:has(input[name=password]) button[type=submit]")

    markers = ("[name=login]", "[name=password]", "button[type=submit]")
    positions = [[marker in element for element in order].index(True) for marker in markers]
    assert positions == sorted(positions), order


def test_the_skip_link_is_the_first_stop_on_the_staff_dashboard(page):
    user = make_hub_staff()
    sign_in(page, user)
    page.goto(DASHBOARD_PATH)

    page.keyboard.press("Tab")

    skip_link = page.locator("a.skip-link")
    assert skip_link.evaluate("e => e === document.activeElement")
    assert skip_link.inner_text().strip() == "Skip to main content"
    assert skip_link.get_attribute("href") == "#main"
    box = skip_link.bounding_box()  # parked above the page, it slides in when focused
    assert box is not None and box["y"] >= 0 and box["height"] > 0
    # Following it puts the keyboard inside the main content, past the menus.
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def test_a_field_error_is_tied_to_its_input_for_screen_readers(page):
    """An input with an error points at it with aria-describedby; every id it names must exist
    and one of them must hold the error text."""
    user = make_hub_staff(with_totp=False)
    submit_password(page, user.email, password_of(user))
    confirm_password_if_asked(page, user)
    assert path_of(page.url) == MFA_ACTIVATE_PATH
    secret = page.locator("input#authenticator_secret").input_value()
    submit_code(page, totp_wrong(secret))

    code_input = page.locator("input[name=code]")
    assert code_input.get_attribute("aria-invalid") == "true"
    ids = (code_input.get_attribute("aria-describedby") or "").split()
    assert ids, "the input with an error has no aria-describedby"
    missing = [i for i in ids if page.locator(f"[id='{i}']").count() == 0]
    assert not missing, f"aria-describedby names elements that do not exist: {missing}"
    described = " ".join(page.locator(f"[id='{i}']").inner_text() for i in ids)
    assert "Incorrect code." in described
