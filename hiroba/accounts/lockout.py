"""django-axes hooks: which account an attempt is for, and the page shown when locked out."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

from hiroba.lib.kana import nfkc


def normalise_login(value: str | None) -> str:
    """The key attempts are counted under: the e-mail as the user would be found by it."""
    return nfkc(value or "").strip().lower()


def username_from_request(request, credentials: dict | None) -> str:
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("login") or credentials.get("username")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login")
    return normalise_login(value)


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "account/lockout.html", {"cooloff_minutes": minutes}, status=429)
