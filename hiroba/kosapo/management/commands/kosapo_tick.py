"""The scheduled work of the 子サポ branch, run daily by cron or a systemd timer:
``manage.py kosapo_tick [--today 2027-03-01]``.

It moves registered members whose year ends within the notice period (30 days by default) to
更新待ち, so the member list shows whom to contact. Running it twice a day changes nothing more.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hiroba.kosapo import services


class Command(BaseCommand):
    help = "Move Kosapo members whose membership year is ending to renewal due."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="act as if it were this day (YYYY-MM-DD)")

    def handle(self, *args, today: str | None = None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today: not a date: {today!r} (e.g. 2027-03-01)") from error
        moved = services.mark_renewals_due(today=day)
        self.stdout.write(f"kosapo_tick on {day.isoformat()}")
        self.stdout.write(f"  members now due for renewal: {moved}")
