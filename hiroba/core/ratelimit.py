"""Fixed-window rate limits in the cache, safe under parallel requests.

A limit of N per window is N *slots*: a request takes a free slot with ``cache.add``, which is
atomic on every cache backend Django ships (including the database cache production shares
between app servers), unlike ``incr``, which the database cache implements as read-add-write
and which loses counts under parallel requests. The window's number is part of the key, so a
new window starts with free slots and old ones expire by themselves.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone


def _slot_keys(name: str, limit: int, window_seconds: int) -> list[str]:
    window = int(timezone.now().timestamp()) // window_seconds
    return [f"ratelimit:{name}:{window}:{n}" for n in range(limit)]


def take_slot(name: str, limit: int, window_seconds: int) -> bool:
    """Take one of ``limit`` slots of ``name`` in this window; False (taking nothing) when all
    are taken."""
    return any(cache.add(key, 1, window_seconds) for key in _slot_keys(name, limit, window_seconds))


def give_back(name: str, limit: int, window_seconds: int) -> None:
    """Free one taken slot (of a request that should not count). ``delete`` says whether it
    removed the key, so two parallel give-backs free two slots, never the same one twice."""
    for key in reversed(_slot_keys(name, limit, window_seconds)):
        if cache.delete(key):
            return


def taken(name: str, limit: int, window_seconds: int) -> int:
    keys = _slot_keys(name, limit, window_seconds)
    return sum(1 for value in cache.get_many(keys).values() if value)
