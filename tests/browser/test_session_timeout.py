"""Session lifetime (``hiroba.accounts.middleware.SessionTimeoutMiddleware``): signed out after
30 idle minutes, and 12 hours after signing in whatever the activity (ASVS 7.3.1, 7.3.2).

Instead of waiting, the timestamps the middleware keeps in the session (epoch seconds) are moved
back in the database, then the browser reloads the page."""

from __future__ import annotations

import time

import pytest

from hiroba.accounts.middleware import AUTH_AT_KEY, LAST_SEEN_KEY
from hiroba.core.models import AuditLog

from .helpers import (
    DASHBOARD_PATH,
    LOGIN_PATH,
    make_hub_staff,
    message_texts,
    path_of,
    query_of,
    server_session,
    session_user_id,
    sign_in,
)

pytestmark = pytest.mark.browser

IDLE_MESSAGE = "You were signed out after 30 minutes without activity."
ABSOLUTE_MESSAGE = "Your session reached its maximum length. Please sign in again."


def signed_in_staff(page, context):
    user = make_hub_staff()
    sign_in(page, user)
    assert path_of(page.url) == DASHBOARD_PATH
    assert session_user_id(context) == str(user.pk)
    return user


def shift_session_clock(context, **seconds_ago: float) -> None:
    """Set the session's timestamps to that many seconds ago, e.g. ``last_seen=31 * 60``."""
    keys = {"last_seen": LAST_SEEN_KEY, "auth_at": AUTH_AT_KEY}
    session = server_session(context)
    now = time.time()
    for name, ago in seconds_ago.items():
        assert keys[name] in session, f"the middleware no longer keeps {keys[name]}"
        session[keys[name]] = now - ago
    session.save()


def expiry_reasons(user) -> list[str]:
    rows = AuditLog.objects.filter(
        action="accounts.session.expired", object_type="accounts.user", object_id=str(user.pk)
    )
    return [row.payload.get("reason") for row in rows]


def test_an_idle_session_is_signed_out_after_thirty_minutes(page, context, settings):
    assert settings.SESSION_IDLE_TIMEOUT.total_seconds() == 30 * 60
    user = signed_in_staff(page, context)
    shift_session_clock(context, last_seen=31 * 60)

    page.reload()

    assert path_of(page.url) == LOGIN_PATH
    assert query_of(page.url).get("next") == [DASHBOARD_PATH]
    assert IDLE_MESSAGE in message_texts(page)
    assert page.locator("input[name=password]").count() == 1
    assert expiry_reasons(user) == ["idle"]
    # Really signed out, not only sent away once.
    assert session_user_id(context) is None
    page.goto(DASHBOARD_PATH)
    assert path_of(page.url) == LOGIN_PATH


def test_a_session_used_within_thirty_minutes_stays_signed_in(page, context):
    user = signed_in_staff(page, context)
    shift_session_clock(context, last_seen=29 * 60)

    response = page.reload()

    assert response.status == 200
    assert path_of(page.url) == DASHBOARD_PATH
    assert expiry_reasons(user) == []
    # The visit counts as activity: the idle clock starts again.
    assert time.time() - server_session(context).load()[LAST_SEEN_KEY] < 60


def test_a_session_ends_twelve_hours_after_signing_in_even_when_active(page, context):
    user = signed_in_staff(page, context)
    shift_session_clock(context, auth_at=12 * 3600 + 60, last_seen=60)

    page.reload()

    assert path_of(page.url) == LOGIN_PATH
    assert ABSOLUTE_MESSAGE in message_texts(page)
    assert expiry_reasons(user) == ["absolute"]
    assert session_user_id(context) is None
