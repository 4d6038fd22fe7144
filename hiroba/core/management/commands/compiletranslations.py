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
    catalog = _read(po_path)
    base = _base_catalog(po_path)
    if base is not None:
        catalog = _overlaid(base, catalog)
    mo_path = po_path.with_suffix(".mo")
    # One temporary name per process: test workers may compile the same catalogue at once.
    tmp = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    tmp.replace(mo_path)  # atomic: a running server never reads half a file
    return mo_path


def _read(po_path: Path):
    with po_path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def _base_catalog(po_path: Path):
    """A variant's base language: ja for ja_Easy (やさしい日本語), if its catalogue is there.

    The variant is compiled as the base with its own translations on top, so a message the
    variant has not rewritten reads as in the base language, with the base's precedence over
    Django's and the libraries' own catalogues (a fallback chain would lose it)."""
    locale = po_path.parent.parent.name
    if "_" not in locale:
        return None
    base_path = po_path.parents[2] / locale.split("_")[0] / "LC_MESSAGES" / po_path.name
    return _read(base_path) if base_path.exists() else None


def _overlaid(base, variant):
    for message in variant:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not message.id or message.fuzzy or not all(strings):
            continue  # not rewritten yet (a plural's empty forms too): the base text stays
        existing = base.get(message.id, message.context)
        if existing is None:
            base.add(message.id, message.string, context=message.context)
        else:
            existing.string = message.string
    base.locale = variant.locale
    return base
