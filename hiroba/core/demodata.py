"""The demo data registry behind ``manage.py seed_demo``.

Each app adds its own fictional data with ``@register(...)`` in its ``demo.py`` module. Steps run in
``order`` and share a ``DemoContext``: one seeded random generator (same seed, same data), the
scale factor for benchmark-sized data, and a dict where earlier steps leave objects for later
ones (``ctx.shared["hub"]``). Large data is written with ``bulk_create_batched`` from generators so
memory stays flat whatever the scale; benchmark-sized tables (families, visits) use the raw
inserts ``insert_rows`` and ``insert_dicts``, which skip model instances altogether.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from django.db import connection, models
from django.utils import timezone


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


# -- raw inserts for benchmark-sized demo data ------------------------------------------------
def insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Multi-row insert of ready database values: COPY on PostgreSQL, executemany elsewhere.
    Far cheaper than ``bulk_create`` for demo data at benchmark scale (no model instances, no
    SQL compiled per batch of 50)."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - our names
            cursor.executemany(sql, rows)


def last_id(model) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def new_ids(model, after: int, count: int) -> list[int]:
    """Ids of the ``count`` rows just inserted after id ``after``, in insertion order. Seeding is
    the only writer (one transaction), so they are the rows above ``after``; anything else is
    an error rather than a guess."""
    ids = list(model.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True))
    if len(ids) != count:
        raise RuntimeError(f"{model.__name__}: expected {count} new rows, found {len(ids)}")
    return ids


def _adapter(field):
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "TimeField":
        return ops.adapt_timefield_value
    return lambda value: value


def insert_dicts(model, rows: list[dict]) -> list[int]:
    """Insert rows given as {attname: Python value} (missing fields take their defaults);
    returns the new ids in order."""
    if not rows:
        return []
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = [
        now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    ]  # fmt: skip
    adapters = [_adapter(f) for f in fields]
    names = [f.attname for f in fields]
    plan = list(zip(names, defaults, adapters, strict=True))
    before = last_id(model)
    insert_rows(
        model,
        tuple(f.column for f in fields),
        [tuple(adapt(row.get(name, default)) for name, default, adapt in plan) for row in rows],
    )
    return new_ids(model, before, len(rows))


_LOGIN_LISTERS: list[Callable[[], list[DemoLogin]]] = []


def login_lister(func: Callable[[], list[DemoLogin]]) -> Callable[[], list[DemoLogin]]:
    """Register a function that lists demo logins from the database (printed by seed_demo)."""
    _LOGIN_LISTERS.append(func)
    return func


def demo_logins() -> list[DemoLogin]:
    return [login for lister in _LOGIN_LISTERS for login in lister()]
