"""Making a backup and restoring one, for either engine; the commands only parse arguments.

A restore is refused before anything is touched when the file is damaged or under another key,
was made by a newer Hiroba (migrations this code does not know), is for the other engine, or
would land on a database that is not empty without ``replace``. After restoring, every table
is counted and hashed again and compared with the manifest.
"""

from __future__ import annotations

import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from hiroba.core import audit, crypto
from hiroba.core.backups import archive, fingerprint, postgres, sqlite
from hiroba.core.backups.archive import BackupError

ENGINE_OF_VENDOR = {"sqlite": "sqlite", "postgresql": "postgresql"}


@dataclass
class Target:
    """Where a restore goes: the configured database (``alias``) or another one."""

    engine: str
    label: str
    alias: str | None = None
    sqlite_path: str = ""
    sqlite_uri: bool = False
    postgres_params: dict = field(default_factory=dict)


@dataclass
class Restored:
    manifest: dict
    tables: int
    rows: int
    pending_migrations: list[str]
    missing_field_keys: list[str]


def engine_of(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ENGINE_OF_VENDOR:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return ENGINE_OF_VENDOR[vendor]


def default_filename(engine: str, *, encrypted: bool) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    suffix = ".tar.gz" if engine == "sqlite" else ".tar"
    return f"hiroba-{stamp}{suffix}{'.age' if encrypted else ''}"


# --- Backup -----------------------------------------------------------------------------------


def make_backup(*, alias: str, destination: Path, recipients: list) -> dict:
    """Write a backup of database ``alias`` to ``destination``; returns its manifest."""
    engine = engine_of(alias)
    if destination.exists():
        raise BackupError(f"{destination} exists already")
    destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # The unencrypted working copy stays out of the backup folder (which is synced off the
    # machine): a killed run must not leave plain data there.
    with tempfile.TemporaryDirectory(prefix="hiroba-backup-") as work:
        if engine == "sqlite":
            database, facts = sqlite.snapshot(connections[alias], Path(work))
        else:
            params = postgres.params_from_settings(connections[alias].settings_dict)
            database, facts = postgres.snapshot(params, Path(work))
        manifest = {
            "format": archive.FORMAT,
            "engine": engine,
            "created_at": timezone.now().isoformat(),
            "database_sha256": archive.sha256_of(database),
            "database_bytes": database.stat().st_size,
            "encrypted": bool(recipients),
            "field_key_ids": crypto.configured_key_ids(),
            **facts,
        }
        archive.write(
            destination,
            manifest,
            database,
            recipients=recipients,
            compress=engine == "sqlite",
            workdir=Path(work),
        )
    # Recorded after the snapshot, so the backup never holds its own audit row.
    with transaction.atomic(using=alias):
        audit.record("core.backup.created", actor=None, payload=_summary(destination, manifest))
    return manifest


def prune(directory: Path, *, keep_days: int) -> list[Path]:
    """Delete this command's backups in ``directory`` older than ``keep_days`` days."""
    cutoff = timezone.now().timestamp() - keep_days * 86400
    removed = []
    for path in sorted(directory.glob("hiroba-*.tar*")):
        if path.suffix != ".part" and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink()
            removed.append(path)
    return removed


# --- Restore ----------------------------------------------------------------------------------


def configured_target(alias: str) -> Target:
    engine = engine_of(alias)
    connection = connections[alias]
    if engine == "postgresql":
        params = postgres.params_from_settings(connection.settings_dict)
        return Target(engine, f"database {params['dbname']}", alias=alias, postgres_params=params)
    params = connection.get_connection_params()
    return Target(
        engine,
        f"database {params['database']}",
        alias=alias,
        sqlite_path=params["database"],
        sqlite_uri=bool(params.get("uri")),
    )


def other_target(into: str) -> Target:
    """``--into``: a postgres:// URL or the path of an SQLite file."""
    if "://" in into:
        params = postgres.params_from_url(into)
        return Target("postgresql", f"database {params['dbname']}", postgres_params=params)
    return Target("sqlite", f"file {into}", sqlite_path=into)


def restore_backup(
    path: Path, *, target: Target, identities: list | None, replace: bool
) -> Restored:
    with tempfile.TemporaryDirectory(prefix="hiroba-restore-") as work:
        manifest, database = archive.read(path, Path(work), identities=identities)
        if manifest["engine"] != target.engine:
            raise BackupError(
                f"the backup is of a {manifest['engine']} database, the target is {target.engine}"
            )
        known = _known_migrations()
        newer = sorted(set(manifest["migrations"]) - known)
        if newer:
            raise BackupError(
                "the backup was made by a newer Hiroba (migrations this version does not have: "
                + ", ".join(newer[:5])
                + "); upgrade first"
            )
        if target.alias is not None:
            connections[target.alias].close()
        if target.engine == "sqlite":
            after = _restore_sqlite(database, manifest, target, replace=replace)
        else:
            after = _restore_postgres(database, manifest, target, replace=replace)
        problems = fingerprint.differences(manifest["tables"], after)
        if target.engine == "postgresql":
            problems += postgres.sequences_behind(target.postgres_params)
    if problems:
        raise BackupError(
            f"the {target.label} was restored but differs from the backup: " + "; ".join(problems)
        )
    restored = Restored(
        manifest=manifest,
        tables=len(after),
        rows=fingerprint.total_rows(after),
        pending_migrations=sorted(known - set(manifest["migrations"])),
        missing_field_keys=sorted(
            set(manifest.get("field_key_ids", [])) - set(crypto.configured_key_ids())
        ),
    )
    if target.alias is not None and not restored.pending_migrations:
        with transaction.atomic(using=target.alias):
            audit.record("core.backup.restored", actor=None, payload=_summary(path, manifest))
    return restored


def _restore_sqlite(database: Path, manifest: dict, target: Target, *, replace: bool) -> dict:
    created = not target.sqlite_uri and not Path(target.sqlite_path).exists()
    try:
        with closing(sqlite.open_target(target.sqlite_path, uri=target.sqlite_uri)) as connection:
            if sqlite.table_names(connection) and not replace:
                raise BackupError(_not_empty(target))
            return sqlite.restore(database, manifest, connection)
    except BackupError:
        if created:  # do not leave an empty file where none was
            Path(target.sqlite_path).unlink(missing_ok=True)
        raise


def _restore_postgres(database: Path, manifest: dict, target: Target, *, replace: bool) -> dict:
    existing = postgres.table_names(target.postgres_params)
    if existing and not replace:
        raise BackupError(_not_empty(target))
    extra = sorted(existing - set(manifest["tables"]))
    if extra:
        raise BackupError(
            f"the {target.label} has tables the backup does not ({', '.join(extra[:5])}): "
            "restore into a new, empty database instead"
        )
    return postgres.restore(database, target.postgres_params, clean=bool(existing))


def _not_empty(target: Target) -> str:
    return f"the {target.label} is not empty: add --replace to overwrite it"


def _known_migrations() -> set[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def _summary(path: Path, manifest: dict) -> dict:
    return {
        "file": path.name,
        "created_at": manifest["created_at"],
        "engine": manifest["engine"],
        "encrypted": manifest.get("encrypted", False),
        "tables": len(manifest["tables"]),
        "rows": fingerprint.total_rows(manifest["tables"]),
    }
