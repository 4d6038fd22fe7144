"""Helpers shared by the browser tests: people to sign in as, TOTP codes and form steps.

Elements are found by name, id and type, never by visible text; texts are asserted in English
(every context sets ``hiroba_language=en``), exactly as the message ids read in the templates.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pyotp
from django.contrib.sessions.backends.db import SessionStore

from hiroba.accounts.choices import Role
from hiroba.accounts.tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import HubFactory

LOGIN_PATH = "/accounts/login/"
REAUTHENTICATE_PATH = "/accounts/reauthenticate/"
MFA_AUTHENTICATE_PATH = "/accounts/2fa/authenticate/"
MFA_ACTIVATE_PATH = "/accounts/2fa/totp/activate/"
RECOVERY_CODES_PATH = "/accounts/2fa/recovery-codes/"
DASHBOARD_PATH = "/staff/"
WRONG_PASSWORD = "not the right password 123"
TOTP_PERIOD = 30

PASSWORD_FORM = "form:has(input[name=password])"
CODE_FORM = "form:has(input[name=code])"


# -- people -----------------------------------------------------------------------------------
def make_hub_staff(*, with_totp: bool = True, email: str | None = None, hub=None):
    """A hub staff member: the role sees personal data, so an authenticator is required.

    At a new hub unless ``hub`` is given. With ``with_totp`` the authenticator app is already
    set up; its base32 secret is kept on the returned user as ``totp_secret`` (None without
    one)."""
    secret = pyotp.random_base32() if with_totp else None
    extra = {} if email is None else {"email": email}
    user = UserFactory(totp=secret or False, **extra)
    MembershipFactory(user=user, role=Role.HUB_STAFF, hub=hub or HubFactory())
    user.totp_secret = secret
    return user


def make_ward_official():
    """A ward official (held at ward level, no hub): sees statistics only, so no authenticator
    is required, and none is set up."""
    hub = HubFactory()  # a hub in the ward, for the dashboard to show
    user = UserFactory(totp=False)
    MembershipFactory(user=user, role=Role.WARD_OFFICIAL, ward=hub.ward, hub=None)
    user.totp_secret = None
    return user


def password_of(user) -> str:
    """Every factory-made user has the factories' test password."""
    return TEST_PASSWORD


# -- TOTP -------------------------------------------------------------------------------------
def seconds_left_in_window() -> float:
    return TOTP_PERIOD - (time.time() % TOTP_PERIOD)


def totp_now(secret: str, *, min_remaining: float = 3.0) -> str:
    """The current TOTP code for ``secret``, still valid for at least ``min_remaining`` seconds.

    allauth accepts only the current 30-second window (no tolerance), so a code computed just
    before a window ends could be stale when the server checks it: then wait for the next one."""
    remaining = seconds_left_in_window()
    if remaining < min_remaining:
        time.sleep(remaining + 0.2)
    return pyotp.TOTP(secret, interval=TOTP_PERIOD).now()


def totp_wrong(secret: str) -> str:
    """A six-digit code that is certainly refused: neither the code of the current window nor
    of the windows around it."""
    totp = pyotp.TOTP(secret, interval=TOTP_PERIOD)
    now = time.time()
    near = {totp.at(now + shift) for shift in (-2 * TOTP_PERIOD, -TOTP_PERIOD, 0, TOTP_PERIOD)}
    candidate = (int(totp.at(now)) + 1) % 1_000_000
    while f"{candidate:06d}" in near:
        candidate = (candidate + 1) % 1_000_000
    return f"{candidate:06d}"


# -- pages and forms --------------------------------------------------------------------------
def path_of(url: str) -> str:
    return urlsplit(url).path


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def first_response(response):
    """The response to the first request of a redirect chain (e.g. the POST of a form)."""
    request = response.request
    while request.redirected_from is not None:
        request = request.redirected_from
    return request.response()


def submit(page, form_selector: str):
    """Click the form's submit button, wait for the resulting page (after any redirects) and
    return the response to the POST itself (its status: 200, 302, 429...)."""
    with page.expect_navigation() as navigation:
        page.locator(form_selector).locator("button[type=submit]").first.click()
    return first_response(navigation.value)


def submit_password(page, email: str, password: str):
    """Fill in the sign-in form (opening it if needed); returns the POST's response."""
    if path_of(page.url) != LOGIN_PATH or page.locator("input[name=login]").count() == 0:
        page.goto(LOGIN_PATH)  # (the lockout page has the sign-in URL but no form)
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    return submit(page, PASSWORD_FORM)


def submit_code(page, code: str):
    """Submit a code on the page's code form (the MFA prompt or the authenticator activation)."""
    page.locator("input[name=code]").fill(code)
    return submit(page, CODE_FORM)


def sign_in(page, user, *, password: str | None = None):
    """The password, then the authenticator code if the server asks for one."""
    response = submit_password(page, user.email, password or password_of(user))
    secret = getattr(user, "totp_secret", None)
    if secret and path_of(page.url) == MFA_AUTHENTICATE_PATH:
        response = submit_code(page, totp_now(secret))
    return response


def confirm_password_if_asked(page, user) -> bool:
    """allauth may ask for the password again before a sensitive step (reauthentication)."""
    if path_of(page.url) != REAUTHENTICATE_PATH:
        return False
    page.locator("input[name=password]").fill(password_of(user))
    submit(page, PASSWORD_FORM)
    return True


def lock_out(page, email: str, failures: int = 5):
    """Type a wrong password ``failures`` times; returns the responses to the POSTs."""
    return [submit_password(page, email, WRONG_PASSWORD) for _ in range(failures)]


def first_hop(context, url: str):
    """The server's first answer to a GET of ``url`` with this browser's cookies (redirects
    not followed): ``(status, location)``."""
    response = context.request.get(url, max_redirects=0)
    return response.status, response.headers.get("location")


def open_in_new_tab(context, url: str):
    """Open ``url`` in another tab of the same browser (same cookies); returns (page, response)."""
    tab = context.new_page()
    response = tab.goto(url)
    return tab, response


# -- server-side state ------------------------------------------------------------------------
def session_key(context) -> str | None:
    for cookie in context.cookies():
        if cookie["name"] == "sessionid":
            return cookie["value"]
    return None


def server_session(context):
    """The server-side session of this browser (a SessionStore), or None without a cookie."""
    key = session_key(context)
    return SessionStore(session_key=key) if key else None


def session_user_id(context) -> str | None:
    """The id of the user this browser's session is signed in as; None when anonymous."""
    session = server_session(context)
    return None if session is None else session.load().get("_auth_user_id")


def audit_actions(user) -> list[str]:
    """The audit log's action codes about ``user``, oldest first."""
    rows = AuditLog.objects.filter(object_type="accounts.user", object_id=str(user.pk))
    return list(rows.order_by("created_at", "id").values_list("action", flat=True))


def message_texts(page) -> list[str]:
    """The flash messages shown on the page."""
    return [text.strip() for text in page.locator("#messages .alert").all_inner_texts()]


FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return "body";
  let text = e.tagName.toLowerCase();
  if (e.id) text += "#" + e.id;
  for (const name of ["name", "type", "href"]) {
    if (e.getAttribute(name)) text += "[" + name + "=" + e.getAttribute(name) + "]";
  }
  return text;
}"""


def focused(page) -> str:
    """A short description of the focused element, e.g. ``input#id_login[name=login]...``."""
    return page.evaluate(FOCUSED)
