"""Print a fresh field encryption key as ``kid=<base64>`` for HIROBA_FIELD_KEYS (decision 0010).

Only the key line goes to stdout, so ``manage.py generate_field_key >> keyfile`` works; the
hint goes to stderr.
"""

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hiroba.core import crypto


class Command(BaseCommand):
    help = "Print a new 256-bit field encryption key as id=base64 (default id: k<today>)."

    def add_arguments(self, parser):
        parser.add_argument("--id", dest="key_id", help="key id: 1-16 characters of a-z, 0-9")

    def handle(self, *args, key_id=None, **options):
        # A dated id by default, so operators can tell keys apart and see which is older.
        key_id = key_id or timezone.localdate().strftime("k%Y%m%d")
        if not crypto.KEY_ID_PATTERN.fullmatch(key_id):
            raise CommandError("--id must be 1-16 characters of a-z and 0-9")
        # AESGCM.generate_key reads os.urandom.
        self.stdout.write(crypto.format_field_key(key_id, AESGCM.generate_key(bit_length=256)))
        self.stderr.write(
            "Put it first in HIROBA_FIELD_KEYS, keep the old keys after it, restart, then run "
            "manage.py rotate_field_keys (docs/deployment.md)."
        )
