"""Authentication events written to the audit log (ASVS 16.3.1)."""

from __future__ import annotations

import time

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from axes.signals import user_locked_out
from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from hiroba.accounts.lockout import normalise_login
from hiroba.accounts.middleware import AUTH_AT_KEY, LAST_SEEN_KEY
from hiroba.core import audit


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[AUTH_AT_KEY] = now
        request.session[LAST_SEEN_KEY] = now
    audit.record("accounts.login.succeeded", actor=user, obj=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record("accounts.logout.done", actor=user, obj=user)


def _known_user(login: str):
    if not login:
        return None
    return get_user_model().objects.filter(email=login).first()


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # The typed login is not stored: it may be a mistyped password. Only a known account is named.
    user = _known_user(normalise_login(credentials.get("email") or credentials.get("username")))
    audit.record(
        "accounts.login.failed", actor=None, obj=user, payload={"known_account": user is not None}
    )


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    user = _known_user(normalise_login(username))
    audit.record(
        "accounts.login.locked_out",
        actor=None,
        obj=user,
        payload={"known_account": user is not None},
    )


@receiver(mfa_signals.authenticator_added)
def on_authenticator_added(sender, request, user, authenticator, **kwargs):
    audit.record("accounts.mfa.added", actor=user, obj=user, payload={"type": authenticator.type})


@receiver(mfa_signals.authenticator_removed)
def on_authenticator_removed(sender, request, user, authenticator, **kwargs):
    audit.record("accounts.mfa.removed", actor=user, obj=user, payload={"type": authenticator.type})


@receiver(mfa_signals.authenticator_reset)
def on_authenticator_reset(sender, request, user, authenticator, **kwargs):
    audit.record("accounts.mfa.reset", actor=user, obj=user, payload={"type": authenticator.type})


@receiver(mfa_signals.authentication_failed)
def on_mfa_failed(sender, request, user, authenticator=None, **kwargs):
    audit.record("accounts.mfa.failed", actor=None, obj=user)


@receiver(account_signals.password_changed)
def on_password_changed(sender, request, user, **kwargs):
    audit.record("accounts.password.changed", actor=user, obj=user)


@receiver(account_signals.password_set)
def on_password_set(sender, request, user, **kwargs):
    audit.record("accounts.password.set", actor=user, obj=user)


@receiver(account_signals.password_reset)
def on_password_reset(sender, request, user, **kwargs):
    # Whoever could reset the password by e-mail may sign in again at once: lift a lockout.
    axes_reset(username=user.email)
    audit.record("accounts.password.reset", actor=None, obj=user)
