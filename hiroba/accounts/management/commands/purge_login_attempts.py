"""Delete django-axes failed sign-in counters older than N days (default 30).

They hold typed e-mail addresses, client addresses and browsers and are only needed for the
15-minute lockout. Run daily from cron (docs/deployment.md §11)."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Delete failed sign-in counters older than --days (default 30)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--days must be 1 or more")
        cutoff = timezone.now() - timedelta(days=days)
        deleted, _detail = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} failed sign-in record(s) older than {days} days.")
