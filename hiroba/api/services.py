"""Issuing and revoking API tokens. Writes through the API itself go through the domain apps'
services (programs.signup), never here."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from hiroba.api.choices import TokenScope
from hiroba.api.models import ApiToken
from hiroba.core import audit
from hiroba.core.models import Hub

TOKEN_PREFIX = "hiroba"  # noqa: S105 - the fixed start of every token, not a secret
DEFAULT_VALIDITY = timedelta(days=365)
# last_used_at is a hint for the token list, not a log: written at most this often.
USE_RECORDED_EVERY = timedelta(minutes=5)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(token: str) -> tuple[str, str] | None:
    """``hiroba_<prefix>_<secret>`` → (prefix, secret), or None for anything else."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


@transaction.atomic
def issue_token(
    hub: Hub, *, name: str, scope: str, expires_on: date | None = None, actor
) -> tuple[ApiToken, str]:
    """A new token for ``hub``; returns it with the full token text, which is never stored and
    is shown to the manager once."""
    if scope not in TokenScope.values:
        raise ValueError(f"unknown scope {scope!r}")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        hub=hub,
        name=name,
        prefix=prefix,
        secret_hash=secret_hash(secret),
        scope=scope,
        expires_on=expires_on or (timezone.localdate() + DEFAULT_VALIDITY),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        "api.token.issued",
        actor=actor,
        obj=token,
        payload={"prefix": prefix, "scope": scope, "expires_on": token.expires_on.isoformat()},
    )
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def revoke_token(token: ApiToken, *, actor) -> ApiToken:
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            "api.token.revoked", actor=actor, obj=locked, payload={"prefix": locked.prefix}
        )
    return locked


def note_use(token: ApiToken, now: datetime) -> None:
    """Remember roughly when the token was last used (one UPDATE every few minutes at most)."""
    if token.last_used_at is None or now - token.last_used_at >= USE_RECORDED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
