"""Row counts and checksums per table: what a restored database must match.

A table's checksum is the sum of a hash of each row, so it needs no ordering (a big table is
read once, as it lies) and equal row sets give equal sums. It detects loss, duplication and
corruption, not tampering: the backup file's own hash and the age encryption cover that.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

# {"core_hub": {"rows": 2, "checksum": "9f…"}}
Fingerprint = dict[str, dict[str, int | str]]


def row_hash(row: tuple) -> int:
    """A 64-bit hash of one row as Python sees it (SQLite gives ints, floats, str, bytes, None,
    whose repr is stable)."""
    return int.from_bytes(hashlib.blake2b(repr(row).encode(), digest_size=8).digest(), "big")


def summarise(rows: Iterable[tuple]) -> dict[str, int | str]:
    count, total = 0, 0
    for row in rows:
        count += 1
        total += row_hash(row)
    return {"rows": count, "checksum": format(total, "x")}


def differences(expected: Mapping, actual: Mapping, *, ignore: Iterable[str] = ()) -> list[str]:
    """What differs between the backup's fingerprint and a database's, one line per table."""
    ignored = set(ignore)
    problems = []
    for table in sorted((expected.keys() | actual.keys()) - ignored):
        want, have = expected.get(table), actual.get(table)
        if want is None:
            problems.append(f"{table}: a table the backup does not have")
        elif have is None:
            problems.append(f"{table}: missing ({want['rows']} rows in the backup)")
        elif want["rows"] != have["rows"]:
            problems.append(f"{table}: {have['rows']} rows, the backup has {want['rows']}")
        elif want["checksum"] != have["checksum"]:
            problems.append(f"{table}: same number of rows, different contents")
    return problems


def total_rows(fingerprint: Mapping) -> int:
    return sum(int(entry["rows"]) for entry in fingerprint.values())
