"""The message outbox: queue in the sign-up transaction, deliver after commit or by the tick.

Delivery claims a row with a compare-and-set on ``sent_at`` before sending, so the commit
hook and a tick (or two ticks) never send one message twice; a failed send gives the claim
back and counts an attempt, and a row is given up after ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import logging

from django.db.models import F
from django.utils import timezone

from hiroba.programs import emails
from hiroba.programs.models import Message

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def queue(kind: str, entry_ids: list[int]) -> list[Message]:
    """One INSERT for the messages of one kind (one entry, or a lottery's results); primary
    keys are set on PostgreSQL and SQLite."""
    return Message.objects.bulk_create(
        [Message(kind=kind, entry_id=entry_id) for entry_id in entry_ids], batch_size=500
    )


def deliver(message_id: int, *, now=None) -> bool:
    """Send one queued message; False when it was already handled or the send failed."""
    claimed = Message.objects.filter(pk=message_id, sent_at__isnull=True).update(
        sent_at=now or timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    message = Message.objects.get(pk=message_id)
    try:
        emails.send(message.kind, message.entry_id, now=now)
    except Exception:  # a mail server outage must not turn a committed sign-up into a 500
        logger.exception("Could not send %s for entry %s", message.kind, message.entry_id)
        if message.attempts < MAX_ATTEMPTS:
            Message.objects.filter(pk=message_id).update(sent_at=None)
        return False
    return True


def pending(limit: int = 500) -> list[int]:
    return list(
        Message.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def deliver_pending(*, now=None, limit: int = 500) -> int:
    """Send what is waiting, oldest first (run by ``programs_tick``)."""
    return sum(deliver(message_id, now=now) for message_id in pending(limit))
