"""Messages to families about their bookings: decided in the transaction, sent after commit.

``after_commit(kind, booking_id)`` sends the e-mail once the booking is saved, so a rollback
never tells of a booking that does not exist; a failed send is logged and never turns a saved
booking into an error page (the family sees the booking on My Page either way). Reminders the
day before are sent by ``support_tick`` and stamped on the booking so they go once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

logger = logging.getLogger(__name__)

BOOKED = "booked"
CANCELLED = "cancelled"
REMINDER = "reminder"
KINDS = (BOOKED, CANCELLED, REMINDER)

_muted: ContextVar[bool] = ContextVar("support_notify_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """Send nothing inside the block (demo data: the families are fictional)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def after_commit(kind: str, booking_id: int) -> None:
    if kind not in KINDS:
        raise ValueError(f"Unknown support message {kind!r}")
    if _muted.get():
        return
    transaction.on_commit(lambda: send_safely(kind, booking_id))


def send_safely(kind: str, booking_id: int) -> bool:
    from hiroba.support import emails  # noqa: PLC0415 - emails reads models that import this

    try:
        return emails.send(kind, booking_id)
    except Exception:  # a mail server outage must not undo or hide a committed booking
        logger.exception("Could not send %s for support booking %s", kind, booking_id)
        return False
