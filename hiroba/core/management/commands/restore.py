"""Restore a backup made by ``manage.py backup`` and prove it equals what was backed up.

    manage.py restore FILE --into /tmp/drill.sqlite3              # a drill: a new SQLite file
    manage.py restore FILE --into postgres://…/hiroba_drill      # a drill: a new, empty database
    manage.py restore FILE --identity key.txt --replace          # over the configured database

Stop the application before restoring over the configured database.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hiroba.core.backups import archive, operations


class Command(BaseCommand):
    help = (
        "Restore a backup into the configured database or into another (--into), then check "
        "every table's row count and checksum against the backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--identity", type=Path, help="age identity file (encrypted backups)")
        parser.add_argument("--into", help="an SQLite file path or a postgres:// URL")
        parser.add_argument("--database", default="default", help="database alias (without --into)")
        parser.add_argument(
            "--replace", action="store_true", help="overwrite a database that is not empty"
        )
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="do not ask to confirm"
        )

    def handle(self, *args, file, identity, into, database, replace, interactive, **options):
        try:
            identities = archive.load_identities(identity) if identity else None
            if into:
                target = operations.other_target(into)
            else:
                target = operations.configured_target(database)
            if replace and interactive and not self._confirmed(target):
                raise CommandError("Nothing restored.")
            restored = operations.restore_backup(
                file, target=target, identities=identities, replace=replace
            )
        except archive.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored {restored.tables} tables, {restored.rows} rows, into the {target.label}: "
            f"every table matches the backup made {_local(restored.manifest['created_at'])}."
        )
        if restored.pending_migrations:
            self.stdout.write(
                f"{len(restored.pending_migrations)} migrations are newer than the backup: "
                "run manage.py migrate before starting the application."
            )
        if restored.missing_field_keys:
            self.stderr.write(
                "Field encryption keys of the backup are not configured here: "
                + ", ".join(restored.missing_field_keys)
                + " (encrypted fields under them cannot be read; see decision 0010)."
            )

    def _confirmed(self, target) -> bool:
        answer = input(f"This replaces everything in the {target.label}. Type 'yes' to go on: ")
        return answer.strip() == "yes"


def _local(iso: str) -> str:
    try:
        return timezone.localtime(datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:%M:%S %Z")
    except ValueError:
        return iso
