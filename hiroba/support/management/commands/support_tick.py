"""The scheduled work of user support, run every few minutes by cron or a systemd timer with
``programs_tick``: ``manage.py support_tick [--now 2026-11-20T10:00+09:00]``.

It sends the reminders the day before. Each reminder is stamped before it goes out
(``reminded_at``, a compare-and-set), so overlapping or repeated runs never send one twice.
A failure is logged and makes the command exit non-zero so cron reports it; a family without
an e-mail address or who prefers a phone call is not a failure.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hiroba.core.commands import parse_now
from hiroba.support import reminders


class Command(BaseCommand):
    help = "Send the reminders the day before booked individual consultations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", help="act as if it were this time (ISO 8601; naive times are Asia/Tokyo)"
        )

    def handle(self, *args, now: str | None = None, **options):
        moment = parse_now(now)
        sent, failed = reminders.send_due(moment)
        self.stdout.write(f"support_tick at {timezone.localtime(moment).isoformat()}")
        self.stdout.write(f"  reminders sent: {sent}")
        if failed:
            raise CommandError(f"{len(failed)} reminder(s) failed; see the log.")
