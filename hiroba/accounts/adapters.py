"""django-allauth adapters: no self sign-up for staff, a fresh sign-in counts as recent
authentication, and TOTP secrets encrypted at rest."""

from __future__ import annotations

import base64
import hashlib
import time
from datetime import timedelta

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils import timezone

ENCRYPTED_PREFIX = "fernet:"
FIRST_ENROLMENT_STEPS = frozenset(
    {"mfa_activate_totp", "mfa_view_recovery_codes", "mfa_download_recovery_codes"}
)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Staff accounts are created by a hub manager or the city (accounts.services).
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """allauth asks for the password again before two-factor changes (ASVS 7.5.1). Someone
        who signed in moments ago and is setting up a first authenticator has just proved it,
        so that one step does not ask twice; every other change still does."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        return required and not (self._first_enrolment() and self._authenticated_moments_ago())

    def _first_enrolment(self) -> bool:
        """Setting up the first authenticator and then reading its new recovery codes."""
        request = self.request or context.request
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name not in FIRST_ENROLMENT_STEPS:
            return False
        recent = timezone.now() - timedelta(seconds=settings.ACCOUNT_REAUTHENTICATION_TIMEOUT)
        older = Authenticator.objects.filter(user=request.user, created_at__lt=recent)
        return not older.exists()

    def _authenticated_moments_ago(self) -> bool:
        request = self.request or context.request
        if request is None or not request.user.is_authenticated:
            return False
        records = get_authentication_records(request, request.user)
        latest = max((record.get("at", 0) for record in records), default=0)
        return time.time() - latest < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT


def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(f"hiroba.mfa:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    # The current SECRET_KEY encrypts; fallbacks still decrypt after a key rotation.
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet([_fernet(secret) for secret in secrets])


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_label(self, user) -> str:
        return user.email

    def get_totp_issuer(self) -> str:
        return settings.MFA_TOTP_ISSUER

    def encrypt(self, text: str) -> str:
        """TOTP secrets and recovery-code seeds are stored encrypted, so a database dump or
        backup alone does not give away anyone's second factor."""
        return ENCRYPTED_PREFIX + _keys().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(ENCRYPTED_PREFIX):
            return encrypted_text  # written before encryption was switched on
        try:
            return _keys().decrypt(encrypted_text[len(ENCRYPTED_PREFIX) :].encode()).decode()
        except InvalidToken as error:
            raise ValueError(
                "Cannot decrypt a two-factor secret: was SECRET_KEY changed "
                "without listing the old key in HIROBA_SECRET_KEY_FALLBACKS?"
            ) from error
