"""Compile locale/*/LC_MESSAGES/*.po to .mo with Babel (no GNU gettext needed on the machine)."""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the shipped translations (.po) into .mo files."

    def handle(self, *args, **options):
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                compile_catalog(po_path)
                count += 1
        if not count:
            raise CommandError("No .po files found in LOCALE_PATHS")
        self.stdout.write(f"Compiled {count} catalogue(s).")


def compile_catalog(po_path: Path) -> Path:
    with po_path.open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    mo_path = po_path.with_suffix(".mo")
    # One temporary name per process: test workers may compile the same catalogue at once.
    tmp = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    tmp.replace(mo_path)  # atomic: a running server never reads half a file
    return mo_path
