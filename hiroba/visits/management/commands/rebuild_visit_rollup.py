"""Recompute the monthly visit rollup and the first-of-month/year flags from the raw visits.

    manage.py rebuild_visit_rollup [--venue ID ...]

The rollup is kept in step by the visit services; this command is the repair tool (after a
restore or a manual fix in the database) and the proof that the rollup can always be rebuilt
(decision 0006). It runs in one transaction.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from hiroba.core.models import Venue
from hiroba.visits import rollup


class Command(BaseCommand):
    help = "Recompute visits_visitmonth and the first-of-month/year flags from the visits."

    def add_arguments(self, parser):
        parser.add_argument(
            "--venue",
            type=int,
            action="append",
            dest="venues",
            help="only this venue (repeat for several); default: every venue",
        )

    def handle(self, *args, venues: list[int] | None, **options):
        if venues:
            unknown = set(venues) - set(
                Venue.objects.filter(pk__in=venues).values_list("pk", flat=True)
            )
            if unknown:
                raise CommandError(f"Unknown venue ids: {sorted(unknown)}")
        started = time.monotonic()
        written = rollup.rebuild(venues or None)
        self.stdout.write(f"Wrote {written} rollup rows in {time.monotonic() - started:.1f} s.")
