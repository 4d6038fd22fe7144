"""Re-encrypt every encrypted value that is not under the current field key (decision 0010).

Operators put a new key first in HIROBA_FIELD_KEYS (keeping the old ones after it), restart,
run this, then ``--check`` before they remove an old key. Tokens are read and compared raw
(through a ``Cast`` to text, which the encrypted field does not convert), so models are never
instantiated and a value changed by the application meanwhile is left alone: the application
wrote it under the current key already.
"""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models.functions import Cast, Substr
from django.db.models.lookups import Exact

from hiroba.core import audit, crypto
from hiroba.core.encrypted_fields import encrypted_fields

MALFORMED = "(not an hb1 token)"


def _raw(field) -> Cast:
    """The stored token as plain text: the encrypted field's decryption does not apply."""
    return Cast(field.name, output_field=models.TextField())


def _not_current(model, field, current: str) -> models.QuerySet:
    """Rows of ``model`` whose ``field`` holds a token under another key than ``current``."""
    return (
        model._base_manager.annotate(rotation_raw=_raw(field))
        .filter(rotation_raw__isnull=False)
        .exclude(rotation_raw="")
        .exclude(rotation_raw__startswith=f"{crypto.VERSION}:{current}:")
    )


def survey(model, field, current: str) -> Counter:
    """How many values of ``field`` are under each non-current key id. Reads only the head of
    each token (enough for the key id), not the ciphertext."""
    head = Substr(_raw(field), 1, crypto.TOKEN_HEAD_LENGTH, output_field=models.TextField())
    # order_by(): the model's default ordering would only make the database sort.
    heads = _not_current(model, field, current).annotate(rotation_head=head).order_by()
    counts: Counter = Counter()
    for value in heads.values_list("rotation_head", flat=True).iterator(chunk_size=2000):
        counts[crypto.key_id_of_head(value) or MALFORMED] += 1
    return counts


def rotate(model, field, current: str, batch_size: int) -> int:
    """Re-encrypt ``field``'s values not under ``current``, one transaction per batch."""
    stale = _not_current(model, field, current).order_by("pk")
    rotated, last_pk = 0, None
    while True:
        with transaction.atomic():
            page = stale if last_pk is None else stale.filter(pk__gt=last_pk)
            rows = list(page.values_list("pk", "rotation_raw")[:batch_size])
            for pk, token in rows:
                rotated += _rewrite(model, field, pk, token)
        if len(rows) < batch_size:
            return rotated
        last_pk = rows[-1][0]


def _rewrite(model, field, pk, token: str) -> int:
    try:
        fresh = crypto.reencrypt(token, context=field.context)
    except crypto.DecryptionError as error:
        raise CommandError(
            f"{error} (primary key {pk}); earlier batches stay rotated, this one was rolled back"
        ) from None
    # Written raw (a Value of a plain TextField), only if the row still holds the token read.
    unchanged = model._base_manager.filter(Exact(_raw(field), token), pk=pk)
    return unchanged.update(**{field.attname: models.Value(fresh, output_field=models.TextField())})


class Command(BaseCommand):
    help = (
        "Re-encrypt encrypted fields under the current key (the first of HIROBA_FIELD_KEYS). "
        "--check exits 1 while any value is still under an older key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")
        parser.add_argument(
            "--check", action="store_true", help="exit 1 if any value is under an older key"
        )

    def handle(self, *args, batch_size, dry_run, check, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more")
        current = crypto.current_key_id()
        fields = list(encrypted_fields())
        stale = {field.context: survey(model, field, current) for model, field in fields}
        self._refuse_unknown_keys(stale)
        pending = {context: sum(counts.values()) for context, counts in stale.items()}
        if check or dry_run:
            self._report(pending, current, check=check)
            return
        rotated = {}
        for model, field in fields:
            rotated[field.context] = rotate(model, field, current, batch_size)
            self.stdout.write(f"{field.context}: rotated {rotated[field.context]}")
        with transaction.atomic():
            audit.record(
                "core.fieldkeys.rotated",
                actor=None,
                payload={"key_id": current, "rotated": rotated},
            )
        self.stdout.write(f"Rotated {sum(rotated.values())} values to key {current!r}.")

    def _refuse_unknown_keys(self, stale: dict[str, Counter]) -> None:
        configured = set(crypto.configured_key_ids())
        problems = [
            f"{context}: {count} values under key {key_id!r}"
            if key_id != MALFORMED
            else f"{context}: {count} values {MALFORMED}"
            for context, counts in stale.items()
            for key_id, count in sorted(counts.items())
            if key_id not in configured
        ]
        if problems:
            raise CommandError(
                "Some stored values are under keys not configured in HIROBA_FIELD_KEYS; add "
                "those keys (after the current one) and run again. Nothing was changed.\n"
                + "\n".join(problems)
            )

    def _report(self, pending: dict[str, int], current: str, *, check: bool) -> None:
        for context, count in pending.items():
            self.stdout.write(f"{context}: {count} to rotate")
        total = sum(pending.values())
        if check and total:
            raise CommandError(
                f"{total} values are not under the current key {current!r}; "
                "run rotate_field_keys before removing an old key.",
                returncode=1,
            )
        self.stdout.write(f"{total} values are not under the current key {current!r}.")
