"""Back up the whole database into one file (decision 0018).

manage.py backup                      # to HIROBA_BACKUP_DIR, encrypted to HIROBA_BACKUP_RECIPIENTS
manage.py backup --output FILE --recipient age1…
manage.py backup --keep-days 30       # and delete this command's backups older than 30 days
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hiroba.core.backups import archive, fingerprint, operations


class Command(BaseCommand):
    help = "Back up the database (SQLite or PostgreSQL) into one file, checksummed per table."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="database alias")
        parser.add_argument(
            "--output", type=Path, help="the file to write (default: a new file in --directory)"
        )
        parser.add_argument(
            "--directory",
            type=Path,
            help="where to write, default HIROBA_BACKUP_DIR",
        )
        parser.add_argument(
            "--recipient",
            action="append",
            default=[],
            help="age public key to encrypt to (repeatable; default HIROBA_BACKUP_RECIPIENTS)",
        )
        parser.add_argument(
            "--no-encryption", action="store_true", help="write the file unencrypted"
        )
        parser.add_argument(
            "--keep-days",
            type=int,
            help="afterwards delete backups in the directory older than this many days",
        )

    def handle(
        self, *args, database, output, directory, recipient, no_encryption, keep_days, **options
    ):
        if keep_days is not None and keep_days < 1:
            raise CommandError("--keep-days must be 1 or more")
        if no_encryption and recipient:
            raise CommandError("--no-encryption and --recipient contradict each other")
        try:
            recipients = (
                []
                if no_encryption
                else archive.parse_recipients(recipient or settings.HIROBA_BACKUP_RECIPIENTS)
            )
            engine = operations.engine_of(database)
            if output is None:
                folder = directory or settings.HIROBA_BACKUP_DIR
                output = folder / operations.default_filename(engine, encrypted=bool(recipients))
            manifest = operations.make_backup(
                alias=database, destination=output, recipients=recipients
            )
        except archive.BackupError as error:
            raise CommandError(str(error)) from None
        if not recipients:
            self.stderr.write(
                "Not encrypted: keep this file as carefully as the database itself "
                "(set HIROBA_BACKUP_RECIPIENTS to encrypt backups)."
            )
        tables = manifest["tables"]
        self.stdout.write(
            f"Backed up {len(tables)} tables, {fingerprint.total_rows(tables)} rows, "
            f"to {output} ({output.stat().st_size} bytes"
            f"{', encrypted' if recipients else ''})."
        )
        if keep_days is not None:
            for removed in operations.prune(output.parent, keep_days=keep_days):
                self.stdout.write(f"Deleted {removed.name} (older than {keep_days} days).")
