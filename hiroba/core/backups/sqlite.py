"""SQLite: copied with the online backup API, restored the same way.

The backup API copies a consistent snapshot while the application keeps writing (in WAL mode a
reader blocks no writer), unlike ``cp`` of a file whose latest pages may still be in the WAL.
Restoring through the same API replaces the target's pages under its write lock, so connections
the application holds see the restored database, never half of it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hiroba.core.backups import archive, fingerprint
from hiroba.core.backups.archive import BackupError


def snapshot(connection, workdir: Path) -> tuple[Path, dict]:
    """Copy the database of Django ``connection`` into ``workdir``: the file and its facts
    (tables with counts and checksums, applied migrations), both read from the copy."""
    connection.ensure_connection()
    path = workdir / archive.ENGINES["sqlite"]
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
        # One self-contained file, with no -wal beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        check_integrity(copy)
        facts = {"tables": tables(copy), "migrations": migrations(copy)}
        facts["server_version"] = sqlite3.sqlite_version
    finally:
        copy.close()
    return path, facts


def check_integrity(database: sqlite3.Connection) -> None:
    result = [row[0] for row in database.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise BackupError("SQLite integrity check failed: " + "; ".join(result[:5]))


def tables(database: sqlite3.Connection) -> fingerprint.Fingerprint:
    return {
        # The name comes from sqlite_master and is quoted as an identifier.
        name: fingerprint.summarise(database.execute(f"SELECT * FROM {_quote(name)}"))  # noqa: S608
        for name in sorted(table_names(database))
    }


def migrations(database: sqlite3.Connection) -> list[str]:
    try:
        rows = database.execute("SELECT app || '.' || name FROM django_migrations ORDER BY 1")
    except sqlite3.OperationalError:  # not a Django database (yet)
        return []
    return [name for (name,) in rows]


def open_target(path: str, *, uri: bool = False, timeout: float = 20) -> sqlite3.Connection:
    try:
        return sqlite3.connect(path, uri=uri, timeout=timeout)
    except sqlite3.Error as error:
        raise BackupError(f"cannot open {path}: {error}") from None


def table_names(database: sqlite3.Connection) -> set[str]:
    rows = database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {name for (name,) in rows}


def restore(database: Path, manifest: dict, target: sqlite3.Connection) -> dict:
    """Check the unpacked copy against its manifest, then copy it over ``target``; returns the
    target's fingerprint afterwards. Nothing touches the target unless the copy is sound."""
    source = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        check_integrity(source)
        problems = fingerprint.differences(manifest["tables"], tables(source))
        if problems:
            raise BackupError(
                "the database in the backup does not match its manifest: " + "; ".join(problems)
            )
        try:
            source.backup(target)
        except sqlite3.Error as error:
            raise BackupError(f"restoring failed, the target is unchanged: {error}") from None
    finally:
        source.close()
    return tables(target)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
