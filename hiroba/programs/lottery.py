"""The lottery (抽選): a reproducible order from a recorded seed (issue 4; peers.md row 11).

Each applicant's priority is a tuple of booleans, one per priority group the program lists in
order (e.g. first-time applicant, ward resident, no seat in the last year); applicants meeting
an earlier group come first. Within equal priority the order is by SHA-256 of
``"<seed>:<entry id>"``, which anyone can recompute with any tool from the published seed
and applicant list: ``verify`` re-runs a stored draw and compares.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence


def new_seed() -> str:
    return secrets.token_hex(16)


def draw_key(seed: str, entry_id: int) -> str:
    return hashlib.sha256(f"{seed}:{entry_id}".encode()).hexdigest()


def order(seed: str, applicants: Sequence[tuple[int, Sequence[bool]]]) -> list[int]:
    """Entry ids in draw order: higher priority first, then by the seeded hash."""

    def sort_key(applicant):
        entry_id, priority = applicant
        return (tuple(not flag for flag in priority), draw_key(seed, entry_id))

    return [entry_id for entry_id, _priority in sorted(applicants, key=sort_key)]


def verify(seed: str, applicants: Sequence[Sequence], recorded_order: Sequence[int]) -> bool:
    """Whether re-running the draw from its seed and applicants gives the recorded order."""
    pairs = [(int(a[0]), [bool(f) for f in a[1]]) for a in applicants]
    return order(seed, pairs) == [int(i) for i in recorded_order]
