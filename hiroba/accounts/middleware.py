"""Session lifetime and mandatory two-factor authentication for staff."""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from hiroba.accounts.scope import scope_for
from hiroba.core import audit

AUTH_AT_KEY = "hiroba_auth_at"
LAST_SEEN_KEY = "hiroba_last_seen"
# Requests sent by the page itself (polling a board) must not keep an idle session alive.
BACKGROUND_HEADER = "HTTP_X_HIROBA_BACKGROUND"
# Write the last-seen time at most this often, so most requests do not write the session.
TOUCH_INTERVAL_SECONDS = 60


def _redirect(request, url: str) -> HttpResponse:
    if getattr(request, "htmx", None):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class SessionTimeoutMiddleware:
    """End a session after ``SESSION_IDLE_TIMEOUT`` without activity or
    ``SESSION_ABSOLUTE_TIMEOUT`` after sign-in, whichever comes first (ASVS 7.3.1, 7.3.2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            expired = self._expired_reason(request)
            if expired:
                return self._end_session(request, expired)
            self._touch(request)
        return self.get_response(request)

    @staticmethod
    def _expired_reason(request) -> str | None:
        now = time.time()
        last_seen = request.session.get(LAST_SEEN_KEY)
        auth_at = request.session.get(AUTH_AT_KEY)
        idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
        if last_seen is not None and now - last_seen > idle:
            return "idle"
        if (
            auth_at is not None
            and now - auth_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
        ):
            return "absolute"
        return None

    @staticmethod
    def _touch(request) -> None:
        now = time.time()
        session = request.session
        session.setdefault(AUTH_AT_KEY, now)
        last_seen = session.get(LAST_SEEN_KEY)
        if request.META.get(BACKGROUND_HEADER) and last_seen is not None:
            return
        if last_seen is None or now - last_seen >= TOUCH_INTERVAL_SECONDS:
            session[LAST_SEEN_KEY] = now

    @staticmethod
    def _end_session(request, reason: str) -> HttpResponse:
        user = request.user
        audit.record("accounts.session.expired", actor=user, obj=user, payload={"reason": reason})
        logout(request)
        if reason == "idle":
            minutes = int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60)
            text = _("You were signed out after {minutes} minutes without activity.")
            messages.info(request, text.format(minutes=minutes))
        else:
            messages.info(
                request, _("Your session reached its maximum length. Please sign in again.")
            )
        url = reverse(settings.LOGIN_URL)
        if request.method == "GET" and not getattr(request, "htmx", None):
            url += "?" + urlencode({"next": request.get_full_path()})
        return _redirect(request, url)


class RequireMFAMiddleware:
    """Staff whose role can see personal data must set up an authenticator app before anything
    else. Demo mode (local only, see checks.py) relaxes this so printed logins work at once."""

    ALLOWED_URL_NAMES = frozenset(
        {
            "account_logout",
            "mfa_index",
            "mfa_activate_totp",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "mfa_download_recovery_codes",
            "mfa_reauthenticate",
            "account_reauthenticate",
            "set_language",
            "choose-language",
            "healthz",
            "readyz",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.DEMO_MODE or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match and match.url_name in self.ALLOWED_URL_NAMES:
            return None
        if not scope_for(request.user).requires_mfa:
            return None
        if is_mfa_enabled(request.user, [Authenticator.Type.TOTP]):
            return None
        messages.warning(
            request,
            _("Set up two-factor authentication to continue. Your role can see personal data."),
        )
        return _redirect(request, reverse("mfa_activate_totp"))
