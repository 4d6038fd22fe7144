"""The directory's daily work, run by cron or a systemd timer:
``manage.py directory_tick [--now 2027-03-01T06:00+09:00]``.

It erases the name and contact of people whose suggestion was decided longer ago than the
city keeps them (``suggestion_contact_keep_days``, 90 days by default). Running it twice
changes nothing more.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from hiroba.core.commands import parse_now
from hiroba.directory import services


class Command(BaseCommand):
    help = "Erase the contacts of senders of suggestions decided long ago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", help="act as if it were this time (ISO 8601; naive times are Asia/Tokyo)"
        )

    def handle(self, *args, now: str | None = None, **options):
        moment = parse_now(now)
        erased = services.erase_old_sender_contacts(moment)
        self.stdout.write(f"directory_tick at {timezone.localtime(moment).isoformat()}")
        self.stdout.write(f"  sender contacts erased: {erased}")
