"""Helpers of the race tests that show a lost update before showing the guard that stops it
(docs/concurrency.md): values handed out one per thread, and the unguarded compare-and-set."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable


def one_each(values: Iterable) -> Callable[[], object]:
    """A function that gives each calling thread the next value."""
    remaining, lock = iter(values), threading.Lock()

    def take():
        with lock:
            return next(remaining)

    return take


def unguarded_compare_and_set(model, pk, field: str, take: Callable[[], object], in_threads):
    """Two threads each read ``revision`` 1, wait for each other, then write ``field`` without
    a lock: both believe they saved and one value is lost. Returns what each thread saved."""
    from django.db import transaction  # noqa: PLC0415 - the plugin loads before Django

    barrier = threading.Barrier(2)

    def naive():
        value = take()
        with transaction.atomic():
            current = model.objects.get(pk=pk).revision
            barrier.wait()  # both have checked the revision before either writes
            if current != 1:
                return "stale"
            model.objects.filter(pk=pk).update(**{field: value, "revision": 2})
            return value

    return in_threads(naive, 2)
