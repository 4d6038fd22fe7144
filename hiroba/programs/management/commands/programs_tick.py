"""The scheduled work of sign-up, run every minute by cron or a systemd timer:
``manage.py programs_tick [--now 2026-11-20T08:00+09:00]``.

Steps, in order: draw the lotteries that are due, lapse offers whose time is up (the seat
passes to the next family), send the messages queued by sign-up (``outbox``), send seat
offers held back during the quiet hours, send the reminders the day before, and prune stored
``Idempotency-Key`` answers. Every step is
idempotent — what it did is recorded on the rows (``drawn_at``, the entry status,
``offer_notified_at``, ``reminded_at``) — so a missed or repeated minute only delays work,
never doubles it. Each step runs in its own transactions and one failing step or e-mail does
not stop the others; failures are logged and make the command exit non-zero so cron reports
them. On PostgreSQL an advisory lock keeps two overlapping runs from sending the same e-mail.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from hiroba.core import idempotency
from hiroba.core.commands import parse_now
from hiroba.families.choices import ContactChannel
from hiroba.programs import emails, notify, outbox, services
from hiroba.programs.choices import EntryStatus, ProgramStatus
from hiroba.programs.models import Entry, Program
from hiroba.programs.rules import program_rules

logger = logging.getLogger(__name__)
ADVISORY_LOCK_KEY = 0x4869726F6261  # "Hiroba": one tick at a time per database


@dataclass
class TickResult:
    """What one run did, printed as one line per step."""

    done: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [f"{name}: {count}" for name, count in self.done.items()]
        lines += [f"FAILED: {failure}" for failure in self.failed]
        return lines


# -- the steps ---------------------------------------------------------------------------------
def _send_each(kind: str, entry_ids: list[int], now: datetime, result: TickResult) -> int:
    """Send one message per entry, each in its own transaction; a failure is logged and the
    next entry is still tried (a bad address must not hold back everyone's reminder)."""
    sent = 0
    for entry_id in entry_ids:
        try:
            with transaction.atomic():
                sent += emails.send(kind, entry_id, now=now)
        except Exception:  # noqa: BLE001 - logged; the others must still go out
            logger.exception("programs_tick: could not send %s for entry %s", kind, entry_id)
            result.failed.append(f"{kind} for entry {entry_id}")
    return sent


def held_offers(now: datetime) -> list[int]:
    """Open offers whose e-mail has not gone out (made during the quiet hours, or the mail
    server was down), for families who want e-mail, outside the quiet hours."""
    candidates = (
        Entry.objects.filter(
            status=EntryStatus.OFFERED,
            offer_notified_at__isnull=True,
            offer_expires_at__gt=now,
            household__contact_channel=ContactChannel.EMAIL,
        )
        .select_related("program__hub__ward__municipality")
        .order_by("offer_expires_at", "pk")
    )
    return [entry.pk for entry in candidates if not emails.in_quiet_hours(entry, now)]


def _local_midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def due_reminders(now: datetime) -> list[int]:
    """Confirmed entries, not yet reminded, of published programs whose first session is
    tomorrow (Asia/Tokyo), once the municipality's reminder hour has come and outside the
    quiet hours."""
    local = timezone.localtime(now)
    tomorrow = local.date() + timedelta(days=1)
    programs = Program.objects.filter(
        status=ProgramStatus.PUBLISHED,
        first_starts_at__gte=_local_midnight(tomorrow),
        first_starts_at__lt=_local_midnight(tomorrow + timedelta(days=1)),
        entries__status=EntryStatus.CONFIRMED,
        entries__reminded_at__isnull=True,
    ).select_related("hub__ward__municipality")
    ready = []
    for program in programs.distinct():
        rules = program_rules(program)
        quiet = local.hour >= rules["quiet_hours_start"] or local.hour < rules["quiet_hours_end"]
        if local.hour >= rules["reminder_hour"] and not quiet:
            ready.append(program.pk)
    return list(
        Entry.objects.filter(
            program_id__in=ready,
            status=EntryStatus.CONFIRMED,
            reminded_at__isnull=True,
            household__contact_channel=ContactChannel.EMAIL,
        )
        .order_by("program_id", "pk")
        .values_list("pk", flat=True)
    )


def _draw(now: datetime, result: TickResult) -> int:
    return services.draw_due_lotteries(now=now)


def _expire(now: datetime, result: TickResult) -> int:
    return services.expire_offers(now=now)


def _outbox(now: datetime, result: TickResult) -> int:
    return outbox.deliver_pending(now=now)


def _offers(now: datetime, result: TickResult) -> int:
    return _send_each(notify.OFFER_MADE, held_offers(now), now, result)


def _reminders(now: datetime, result: TickResult) -> int:
    return _send_each(notify.REMINDER, due_reminders(now), now, result)


def _prune(now: datetime, result: TickResult) -> int:
    with transaction.atomic():
        return idempotency.prune(now=now)


STEPS: list[tuple[str, Callable[[datetime, TickResult], int]]] = [
    ("lotteries drawn", _draw),
    ("offers lapsed", _expire),
    ("queued messages sent", _outbox),
    ("held offers sent", _offers),
    ("reminders sent", _reminders),
    ("idempotency records pruned", _prune),
]


def tick(now: datetime) -> TickResult:
    """Run every step once; a step that raises is recorded and the next one still runs."""
    result = TickResult()
    for name, step in STEPS:
        try:
            result.done[name] = step(now, result)
        except Exception:  # noqa: BLE001 - logged; later steps must still run
            logger.exception("programs_tick: step %r failed", name)
            result.failed.append(name)
    return result


@contextmanager
def single_run() -> Iterator[bool]:
    """True when this run may go ahead: on PostgreSQL it holds a session advisory lock so an
    overlapping run (a slow minute) skips instead of sending the same e-mails twice."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])


class Command(BaseCommand):
    help = (
        "Draw due lotteries, lapse expired offers, send offers held back at night and the "
        "reminders the day before, prune idempotency records (run every minute)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="act as if it were this time (ISO 8601; naive times are Asia/Tokyo)",
        )

    def handle(self, *args, now: str | None = None, **options):
        moment = parse_now(now)
        with single_run() as go_ahead:
            if not go_ahead:
                self.stdout.write("Another programs_tick is running; nothing done.")
                return
            result = tick(moment)
        self.stdout.write(f"programs_tick at {timezone.localtime(moment).isoformat()}")
        for line in result.lines():
            self.stdout.write(f"  {line}")
        if result.failed:
            raise CommandError(f"{len(result.failed)} failure(s); see the log.")
