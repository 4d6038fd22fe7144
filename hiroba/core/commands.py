"""What the scheduled commands (``*_tick``) share: reading ``--now`` as people write it."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime


def parse_now(value: str | None) -> datetime:
    """``--now`` as an aware time (a naive one is Asia/Tokyo); the real time when absent."""
    if not value:
        return timezone.now()
    parsed = parse_datetime(value)
    if parsed is None:
        raise CommandError(f"--now: not a date and time: {value!r} (e.g. 2026-11-20T08:00+09:00)")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
