"""PostgreSQL: ``pg_dump`` of an exported snapshot, checksums from the same snapshot.

The fingerprint must describe exactly what the dump holds, while the application keeps
writing. A REPEATABLE READ transaction exports its snapshot, ``pg_dump --snapshot`` dumps that
snapshot, and the same transaction then counts and hashes every table. Restoring runs
``pg_restore --single-transaction``: a failure leaves the target as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql

from hiroba.core.backups import archive
from hiroba.core.backups.archive import BackupError

# Row text must not depend on the session: both sides of a comparison use these settings.
SESSION_SETTINGS = (
    "SET TIME ZONE 'UTC'",
    "SET DateStyle = 'ISO, YMD'",
    "SET IntervalStyle = 'postgres'",
    "SET extra_float_digits = 1",
    "SET bytea_output = 'hex'",
)
# count and the sum of the first 60 bits of each row's md5: a bigint each, summed as numeric.
TABLE_FINGERPRINT = (
    "SELECT count(*), coalesce(sum(('x' || substr(md5(hiroba_row::text), 1, 15))"
    "::bit(60)::bigint), 0)::text FROM {} AS hiroba_row"
)
OWNED_SEQUENCES = """
SELECT c.relname, a.attname, s.last_value
FROM pg_depend d
JOIN pg_class q ON q.oid = d.objid AND q.relkind = 'S'
JOIN pg_sequences s ON s.schemaname = current_schema() AND s.sequencename = q.relname
JOIN pg_class c ON c.oid = d.refobjid
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
  AND d.deptype IN ('a', 'i') AND c.relnamespace = current_schema()::regnamespace
ORDER BY c.relname
"""
CONNECTION_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword")
TOOL_ENVIRONMENT = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


def params_from_settings(settings_dict: dict) -> dict:
    """psycopg connection parameters from a Django DATABASES entry."""
    params = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": str(settings_dict["PORT"]) if settings_dict.get("PORT") else None,
    }
    options = settings_dict.get("OPTIONS", {})
    params.update({key: options[key] for key in CONNECTION_OPTIONS if key in options})
    return {key: value for key, value in params.items() if value is not None}


def params_from_url(url: str) -> dict:
    try:
        settings_dict = dj_database_url.parse(url)
    except ValueError as error:
        raise BackupError(f"not a database URL: {error}") from None
    if settings_dict.get("ENGINE") != "django.db.backends.postgresql" or not settings_dict["NAME"]:
        raise BackupError("--into must be a postgres:// URL naming a database")
    return params_from_settings(settings_dict)


@contextmanager
def session(params: dict, *, snapshot: bool = False):
    """A connection with stable text output; with ``snapshot``, inside a read-only REPEATABLE
    READ transaction (so an exported snapshot stays valid until the block ends)."""
    try:
        connection = psycopg.connect(**params, autocommit=not snapshot)
    except psycopg.Error as error:
        raise BackupError(f"cannot connect to {params.get('dbname')}: {error}") from None
    try:
        if snapshot:
            connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            connection.read_only = True
        with connection.cursor() as cursor:
            for statement in SESSION_SETTINGS:
                cursor.execute(statement)
            yield cursor
    finally:
        connection.close()


def snapshot(params: dict, workdir: Path) -> tuple[Path, dict]:
    path = workdir / archive.ENGINES["postgresql"]
    with session(params, snapshot=True) as cursor:
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        exported, server_version = cursor.fetchone()
        _run_tool(
            "pg_dump",
            ["--format=custom", f"--snapshot={exported}", f"--file={path}"],
            params,
        )
        facts = {
            "tables": tables(cursor),
            "migrations": migrations(cursor),
            "server_version": server_version,
        }
    return path, facts


def tables(cursor) -> dict:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    result = {}
    for (name,) in cursor.fetchall():
        cursor.execute(sql.SQL(TABLE_FINGERPRINT).format(sql.Identifier(name)))
        rows, checksum = cursor.fetchone()
        result[name] = {"rows": rows, "checksum": format(int(checksum), "x")}
    return result


def migrations(cursor) -> list[str]:
    cursor.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return []
    cursor.execute("SELECT app || '.' || name FROM django_migrations ORDER BY 1")
    return [name for (name,) in cursor.fetchall()]


def table_names(params: dict) -> set[str]:
    with session(params) as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return {name for (name,) in cursor.fetchall()}


def restore(dump: Path, params: dict, *, clean: bool) -> dict:
    """Restore ``dump`` into the database of ``params`` in one transaction; returns its
    fingerprint afterwards. ``clean`` drops the backup's objects first (replacing a database
    that has them)."""
    arguments = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if clean:
        arguments += ["--clean", "--if-exists"]
    _run_tool("pg_restore", [*arguments, f"--dbname={params['dbname']}", str(dump)], params)
    with session(params) as cursor:
        return tables(cursor)


def sequences_behind(params: dict) -> list[str]:
    """Identity and serial columns whose sequence would hand out an id already used: a restore
    that lost sequence state would fail at the next insert, so it is checked here."""
    problems = []
    with session(params) as cursor:
        cursor.execute(OWNED_SEQUENCES)
        for table, column, last_value in cursor.fetchall():
            query = sql.SQL("SELECT max({}) FROM {}").format(
                sql.Identifier(column), sql.Identifier(table)
            )
            cursor.execute(query)
            highest = cursor.fetchone()[0]
            if highest is not None and (last_value is None or last_value < highest):
                problems.append(
                    f"{table}.{column}: its sequence stands at {last_value}, "
                    f"below the highest id {highest}"
                )
    return problems


def _run_tool(tool: str, arguments: list[str], params: dict) -> None:
    program = shutil.which(tool)
    if program is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    # The password travels in the environment, never on a command line others can list.
    environment = {**os.environ}
    for key, variable in TOOL_ENVIRONMENT.items():
        if key in params:
            environment[variable] = str(params[key])
    # The program is found on PATH by name and the arguments are ours, passed without a shell.
    completed = subprocess.run(  # noqa: S603
        [program, *arguments], env=environment, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        detail = completed.stderr.strip().splitlines()[-3:]
        raise BackupError(f"{tool} failed (exit {completed.returncode}): " + " ".join(detail))
