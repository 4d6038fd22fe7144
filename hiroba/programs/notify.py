"""Which messages sign-up sends: decided in the transaction, delivered after it commits.

Services call ``after_commit(kind, entry_id)``, which writes an outbox row (``Message``) in the
same transaction. ``outbox.deliver`` builds and sends it (``emails.send``: the family's
language and channel, a calendar file) right after commit when
``settings.HIROBA_SEND_MESSAGES_AT_ONCE`` is on, otherwise ``programs_tick`` sends it within
the minute. A rollback takes the row with it, so no e-mail ever tells of a seat that does not
exist, and a crash after commit leaves the row for the next tick.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction

ENTRY_RECEIVED = "entry_received"  # confirmed, waitlisted or applied for the lottery
ENTRY_CONFIRMED = "entry_confirmed"  # an offer accepted
ENTRY_CANCELLED = "entry_cancelled"
LOTTERY_RESULT = "lottery_result"
OFFER_MADE = "offer_made"
OFFER_LAPSED = "offer_lapsed"
REMINDER = "reminder"
SCHEDULE_CHANGED = "schedule_changed"  # staff moved, added or removed a session
KINDS = (
    ENTRY_RECEIVED,
    ENTRY_CONFIRMED,
    ENTRY_CANCELLED,
    LOTTERY_RESULT,
    OFFER_MADE,
    OFFER_LAPSED,
    REMINDER,
    SCHEDULE_CHANGED,
)

_muted: ContextVar[bool] = ContextVar("programs_notify_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """Queue no messages inside the block (demo data: the families are fictional)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def after_commit(kind: str, entry_id: int) -> None:
    after_commit_many(kind, [entry_id])


def after_commit_many(kind: str, entry_ids) -> None:
    """``after_commit`` for many entries at once (a lottery's results): one INSERT."""
    from hiroba.programs import outbox  # noqa: PLC0415 - outbox imports emails, which imports this

    if kind not in KINDS:
        raise ValueError(f"Unknown message kind {kind!r}")
    if _muted.get():
        return
    ids = [message.pk for message in outbox.queue(kind, list(entry_ids))]
    if getattr(settings, "HIROBA_SEND_MESSAGES_AT_ONCE", True):
        transaction.on_commit(lambda: [outbox.deliver(pk) for pk in ids])
