"""The database guard behind the append-only audit log, and its one sanctioned way round.

Triggers (migrations 0002/0003) refuse UPDATE always, and DELETE/TRUNCATE unless the current
connection has switched on *purge mode*. Only two things do that: the retention purge of old
entries (a later issue) and ``manage.py flush`` (which wipes the whole database, e.g. between
tests). Everything else — a bug, a stray ORM call, raw SQL — is refused by the database itself.

- SQLite has no session variables, so the trigger asks a function that Hiroba registers on each
  connection (``hiroba_audit_purge_allowed()``); other programs do not have it and fail.
- PostgreSQL reads the setting ``hiroba.audit_purge`` of the session.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections
from django.db.backends.signals import connection_created
from django.dispatch import receiver

SQLITE_FUNCTION = "hiroba_audit_purge_allowed"
POSTGRES_SETTING = "hiroba.audit_purge"

_purge_allowed: ContextVar[bool] = ContextVar("hiroba_audit_purge", default=False)


@receiver(connection_created)
def _register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 0, lambda: int(_purge_allowed.get()), deterministic=False
        )


@contextmanager
def purge_allowed(using: str = "default"):
    """Allow deleting audit rows on this connection for the duration of the block."""
    connection = connections[using]
    token = _purge_allowed.set(True)
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', false)", [POSTGRES_SETTING])
        yield
    finally:
        _purge_allowed.reset(token)
        if connection.vendor == "postgresql" and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', false)", [POSTGRES_SETTING])
