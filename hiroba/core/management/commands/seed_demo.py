"""Build the fictional demo data: ``manage.py seed_demo [--seed N] [--scale N] [--if-empty]``."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from hiroba.core import demodata
from hiroba.core.models import Municipality


class Command(BaseCommand):
    help = "Create deterministic demo data (fictional ward, hubs, staff) and print the logins."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--scale", type=int, default=1, help="size factor for benchmark data (default 1)"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (but print the logins) if data already exists",
        )
        parser.add_argument(
            "--quiet-logins", action="store_true", help="do not print the demo logins"
        )

    def handle(self, *args, seed: int, scale: int, if_empty: bool, quiet_logins: bool, **kw):
        if scale < 1:
            raise CommandError("--scale must be 1 or more")
        if not (settings.DEBUG or settings.DEMO_MODE or getattr(settings, "TESTING", False)):
            # The demo logins share a published password: never on a real database.
            raise CommandError(
                "seed_demo only runs with DEBUG or HIROBA_DEMO=1 (demo data has "
                "published passwords)."
            )
        if Municipality.objects.exists():
            if not if_empty:
                raise CommandError(
                    "The database already has data. Use a fresh database "
                    "(make demo-reset) or pass --if-empty."
                )
            self.stdout.write("Demo data already present; nothing to do.")
        else:
            self._seed(seed, scale)
        if not quiet_logins:
            self._print_logins()

    def _seed(self, seed: int, scale: int) -> None:
        ctx = demodata.DemoContext(
            seed=seed,
            scale=scale,
            today=timezone.localdate(),
            password=settings.DEMO_PASSWORD,
            log=self.stdout.write,
        )
        started = time.monotonic()
        self.stdout.write(f"Seeding demo data (seed={seed}, scale={scale})…")
        with transaction.atomic():  # all or nothing: --if-empty must never see half a demo
            for step in demodata.steps():
                step.func(ctx)
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")

    def _print_logins(self) -> None:
        rows = demodata.demo_logins()
        if not rows:
            return
        width = max(len(r.email) for r in rows)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Demo logins (password for all: {settings.DEMO_PASSWORD})")
        )
        for row in rows:
            self.stdout.write(f"  {row.email.ljust(width)}  {row.role} — {row.name} ({row.scope})")
