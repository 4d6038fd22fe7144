"""Make an age key pair for encrypting backups (decision 0018).

The identity file (the private key) goes to whoever may restore, kept off the server; the
recipient it prints goes into HIROBA_BACKUP_RECIPIENTS on the server.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hiroba.core.backups import archive


class Command(BaseCommand):
    help = "Write a new age identity file for backups and print its recipient (public key)."

    def add_arguments(self, parser):
        parser.add_argument("identity_file", type=Path, help="where to write the private key")

    def handle(self, *args, identity_file, **options):
        text, recipient = archive.new_identity_file()
        try:
            with archive.private_file(identity_file) as handle:
                handle.write(text.encode("ascii"))
        except FileExistsError:
            raise CommandError(f"{identity_file} exists already; not overwritten") from None
        except OSError as error:
            raise CommandError(f"cannot write {identity_file}: {error}") from None
        self.stderr.write(
            f"Wrote {identity_file}. Keep it off the server: it opens every backup. "
            "Put this line in the server's environment:"
        )
        self.stdout.write(f"HIROBA_BACKUP_RECIPIENTS={recipient}")
