"""Retention: ``manage.py anonymise_families [--dry-run] [--today YYYY-MM-DD]``.

Anonymises families inactive past their municipality's retention period and deletes
pre-registrations nobody confirmed (rules in ``families/rules.py``; logic in
``families/retention.py``). Run it daily or monthly from cron; ``--dry-run`` lists the card
numbers and reasons and changes nothing.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hiroba.families import retention

ACTION_LABELS = {
    retention.ANONYMISE: "anonymise",
    retention.REMOVE_PENDING: "remove pre-registration",
}


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--today must be a date like 2026-04-01, not {value!r}") from error


class Command(BaseCommand):
    help = "Anonymise families past the retention period and remove stale pre-registrations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what is due and change nothing"
        )
        parser.add_argument(
            "--today", help="run as if today were this date (YYYY-MM-DD); default: today"
        )

    def handle(self, *args, dry_run: bool, today: str | None, **options):
        day = _parse_day(today) if today else timezone.localdate()
        items = retention.plan(day) if dry_run else retention.run(day, actor=None)
        for item in items:
            household = item.household
            self.stdout.write(
                f"{household.hub.name}\t{household.card_number}\t"
                f"{ACTION_LABELS[item.action]}\t{item.reason}"
            )
        anonymised = sum(item.action == retention.ANONYMISE for item in items)
        removed = len(items) - anonymised
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{anonymised} families {verb} anonymised and {removed} pre-registrations {verb} "
            f"removed ({day.isoformat()}{', dry run' if dry_run else ''})."
        )
