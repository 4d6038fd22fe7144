"""Numbers handed out in order per hub (family card numbers, 子サポ member numbers).

Each kind keeps a sequence row with ``next_number`` that the caller has locked
(``select_for_update``) inside its transaction, so two desks never take the same number; this
module only takes the next number that is still free.
"""

from __future__ import annotations

from collections.abc import Container


def take_free_number(sequence, taken: Container[str], *, width: int) -> str:
    """The locked ``sequence``'s next number not in ``taken`` (numbers typed in by imports are
    skipped), zero-padded to ``width``; the row is advanced past it and saved."""
    number = sequence.next_number
    while f"{number:0{width}d}" in taken:
        number += 1
    sequence.next_number = number + 1
    sequence.save(update_fields=["next_number"])
    return f"{number:0{width}d}"
