"""``manage.py load_tenancy city.json``: create or update a municipality's wards and hubs."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hiroba.core.tenancy_loader import TenancyFileError, load_tenancy


class Command(BaseCommand):
    help = "Create or update a municipality, its wards, operators and hubs from a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            spec = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        try:
            counts = load_tenancy(spec)
        except TenancyFileError as error:
            raise CommandError(f"Nothing was changed. {error}") from error
        summary = ", ".join(f"{key}: {n}" for key, n in sorted(counts.items())) or "no changes"
        self.stdout.write(self.style.SUCCESS(f"Loaded {path}: {summary}"))
