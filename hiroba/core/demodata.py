"""The demo data registry behind ``manage.py seed_demo``.

Each app adds its own fictional data with ``@register(...)`` in its ``demo.py`` module. Steps run in
``order`` and share a ``DemoContext``: one seeded random generator (same seed, same data), the
scale factor for benchmark-sized data, and a dict where earlier steps leave objects for later
ones (``ctx.shared["hub"]``). Large data is written with ``bulk_create_batched`` from generators so
memory stays flat whatever the scale.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from django.db import models


@dataclass
class DemoLogin:
    role: str
    email: str
    name: str
    scope: str


@dataclass
class DemoContext:
    seed: int
    scale: int
    today: date
    password: str
    batch_size: int = 2000
    rng: random.Random = field(init=False)
    shared: dict[str, Any] = field(default_factory=dict)
    log: Callable[[str], None] = print

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def rng_for(self, name: str) -> random.Random:
        """An independent generator per step, so adding a step does not reshuffle the others."""
        return random.Random(f"{self.seed}:{name}")


@dataclass(frozen=True)
class DemoStep:
    name: str
    order: int
    func: Callable[[DemoContext], None]


_STEPS: dict[str, DemoStep] = {}


def register(
    name: str, *, order: int
) -> Callable[[Callable[[DemoContext], None]], Callable[[DemoContext], None]]:
    def decorator(func: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
        _STEPS[name] = DemoStep(name, order, func)
        return func

    return decorator


def steps() -> list[DemoStep]:
    return sorted(_STEPS.values(), key=lambda step: (step.order, step.name))


def bulk_create_batched(
    model: type[models.Model], objects: Iterable[models.Model], *, batch_size: int = 2000
) -> int:
    """Insert from an iterator in fixed-size batches; returns the number of rows written."""
    total = 0
    iterator: Iterator[models.Model] = iter(objects)
    while batch := list(islice(iterator, batch_size)):
        model.objects.bulk_create(batch, batch_size=batch_size)
        total += len(batch)
    return total


_LOGIN_LISTERS: list[Callable[[], list[DemoLogin]]] = []


def login_lister(func: Callable[[], list[DemoLogin]]) -> Callable[[], list[DemoLogin]]:
    """Register a function that lists demo logins from the database (printed by seed_demo)."""
    _LOGIN_LISTERS.append(func)
    return func


def demo_logins() -> list[DemoLogin]:
    return [login for lister in _LOGIN_LISTERS for login in lister()]
