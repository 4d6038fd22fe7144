"""Reads for the API: the token behind a request, and what a token's hub may see."""

from __future__ import annotations

import hmac
import re
from datetime import date

from django.db.models import Q, QuerySet

from hiroba.accounts.scope import get_for_user
from hiroba.api import services
from hiroba.api.models import ApiToken
from hiroba.core.models import Hub

PREFIX = re.compile(r"[0-9a-f]{12}")


def token_from_text(text: str, today: date) -> ApiToken | None:
    """The valid token ``text`` names, or None. The secret's hash is compared in constant
    time; an unknown or malformed prefix costs the same hash, so timing tells nothing."""
    parts = services.split_token(text.strip())
    prefix, secret = parts if parts else ("", text)
    if not PREFIX.fullmatch(prefix):
        prefix = ""  # never sent to the database (NUL bytes, odd lengths)
    found = ApiToken.objects.select_related("hub").filter(prefix=prefix).first() if prefix else None
    expected = found.secret_hash if found else "0" * 64
    matches = hmac.compare_digest(services.secret_hash(secret), expected)
    if found is None or not matches or not found.is_valid_on(today):
        return None
    return found


def hub_ids(token: ApiToken) -> list[int]:
    """The token's hub and, for a main hub, its satellites (as staff of the hub see them)."""
    return list(
        Hub.objects.filter(Q(pk=token.hub_id) | Q(parent_id=token.hub_id)).values_list(
            "pk", flat=True
        )
    )


def tokens_of_hub(hub: Hub) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(hub=hub).select_related("created_by", "revoked_by")


def get_token_for_user(user, token_id: int, permission: str) -> ApiToken:
    return get_for_user(ApiToken.objects.select_related("hub"), user, token_id, permission)
