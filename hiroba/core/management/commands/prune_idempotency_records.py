"""Remove stored answers to requests with an Idempotency-Key once they are 24 hours old."""

from django.core.management.base import BaseCommand

from hiroba.core import idempotency


class Command(BaseCommand):
    help = "Remove stored Idempotency-Key answers older than 24 hours (run hourly or daily)."

    def handle(self, *args, **options):
        removed = idempotency.prune()
        self.stdout.write(f"Removed {removed} stored answers.")
