"""manage.py backup and restore on PostgreSQL (decision 0018): the drill into a fresh database,
the snapshot that keeps checksums true while the application writes, and the refusals.

The race: without the exported snapshot, pg_dump and the checksums see the database at two
moments, and a row written in between makes a sound backup fail its own check (or, worse, a
bad one pass). The first test shows that gap with the snapshot switched off, the second that
the snapshot closes it.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from hiroba.accounts.choices import Role
from hiroba.consultations.tests.factories import consultation
from hiroba.core.backups import archive, postgres
from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import HubFactory
from hiroba.families.tests.factories import family
from hiroba.news.tests.factories import item_with_photo

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("pg_dump"), reason="needs pg_dump and pg_restore"),
]


@pytest.fixture
def records(world):
    family(world.a.hub)
    news = item_with_photo(world.a.hub)
    consultation(world.a.hub, actor=world.a.person(Role.HUB_MANAGER))
    return {"photo": bytes(news.image.data)}


@pytest.fixture
def source():
    return postgres.params_from_settings(connection.settings_dict)


@pytest.fixture
def drill(source):
    """A new, empty database beside the test database, dropped afterwards."""
    params = {**source, "dbname": f"{source['dbname']}_drill"}
    with psycopg.connect(**{**source, "dbname": "postgres"}, autocommit=True) as admin:
        name = sql.Identifier(params["dbname"])
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
        yield params
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def _url(params: dict) -> str:
    user = quote(params.get("user", ""))
    password = f":{quote(params['password'])}" if params.get("password") else ""
    host = params.get("host", "")
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgres://{user}{password}@{host}{port}/{params['dbname']}"


def _tables(params: dict) -> dict:
    with postgres.session(params) as cursor:
        return postgres.tables(cursor)


def _backup(path: Path) -> None:
    call_command(
        "backup",
        "--output",
        str(path),
        "--no-encryption",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def _restore(path: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *extra, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_drill_restores_into_a_fresh_database_that_equals_the_source(
    records, source, drill, tmp_path
):
    before = _tables(source)
    backup = tmp_path / "b.tar"
    _backup(backup)

    printed = _restore(backup, "--into", _url(drill))

    assert "every table matches the backup" in printed
    restored = _tables(drill)
    assert restored == before
    assert restored["news_newsimage"]["rows"] == restored["consultations_consultation"]["rows"] == 1
    assert postgres.sequences_behind(drill) == []
    with psycopg.connect(**drill) as restored_database:
        (photo,) = restored_database.execute("SELECT data FROM news_newsimage").fetchone()
    assert bytes(photo) == records["photo"]
    assert AuditLog.objects.filter(action="core.backup.created").count() == 1


def _writes_around_pg_dump(monkeypatch, *, snapshot: bool):
    """The application registers a hub just before pg_dump starts and another just after it
    ends. ``snapshot=False`` switches the guard off: pg_dump takes its own snapshot."""
    real = postgres._run_tool

    def run_tool(tool, arguments, params):
        if tool != "pg_dump":
            return real(tool, arguments, params)
        HubFactory(name="ダンプ直前の拠点")
        if not snapshot:
            arguments = [a for a in arguments if not a.startswith("--snapshot=")]
        real(tool, arguments, params)
        HubFactory(name="ダンプ直後の拠点")
        return None

    monkeypatch.setattr(postgres, "_run_tool", run_tool)


def test_without_the_snapshot_the_dump_and_its_checksums_disagree(
    records, drill, tmp_path, monkeypatch
):
    _writes_around_pg_dump(monkeypatch, snapshot=False)
    backup = tmp_path / "b.tar"
    _backup(backup)

    # The dump holds the hub registered before it started; the checksums do not.
    with pytest.raises(CommandError, match="differs from the backup: .*core_hub: "):
        _restore(backup, "--into", _url(drill))


def test_with_the_snapshot_the_checksums_describe_exactly_the_dump(
    records, drill, tmp_path, monkeypatch
):
    _writes_around_pg_dump(monkeypatch, snapshot=True)
    backup = tmp_path / "b.tar"
    _backup(backup)

    printed = _restore(backup, "--into", _url(drill))

    assert "every table matches the backup" in printed
    with psycopg.connect(**drill) as restored_database:
        names = {name for (name,) in restored_database.execute("SELECT name FROM core_hub")}
    assert not names & {"ダンプ直前の拠点", "ダンプ直後の拠点"}


def test_a_sequence_left_behind_is_reported(records, drill, tmp_path):
    backup = tmp_path / "b.tar"
    _backup(backup)
    _restore(backup, "--into", _url(drill))
    with psycopg.connect(**drill, autocommit=True) as restored_database:
        restored_database.execute("SELECT setval(pg_get_serial_sequence('core_hub', 'id'), 1)")
    assert any(problem.startswith("core_hub.id:") for problem in postgres.sequences_behind(drill))


def test_a_database_with_data_needs_replace_and_then_is_restored_again(records, drill, tmp_path):
    backup = tmp_path / "b.tar"
    _backup(backup)
    _restore(backup, "--into", _url(drill))
    with psycopg.connect(**drill, autocommit=True) as restored_database:
        restored_database.execute("UPDATE core_hub SET name = name || '（改）'")

    with pytest.raises(CommandError, match="not empty: add --replace"):
        _restore(backup, "--into", _url(drill))
    printed = _restore(backup, "--into", _url(drill), "--replace", "--no-input")

    assert "every table matches the backup" in printed


def test_a_database_with_tables_the_backup_lacks_is_not_touched(records, drill, tmp_path):
    backup = tmp_path / "b.tar"
    _backup(backup)
    with psycopg.connect(**drill, autocommit=True) as target:
        target.execute("CREATE TABLE stray (id integer)")

    with pytest.raises(CommandError, match=r"tables the backup does not \(stray\)"):
        _restore(backup, "--into", _url(drill), "--replace", "--no-input")
    assert postgres.table_names(drill) == {"stray"}


def test_a_failing_pg_restore_leaves_the_database_empty(records, drill, tmp_path):
    good, broken = tmp_path / "good.tar", tmp_path / "broken.tar"
    _backup(good)
    work = tmp_path / "unpacked"
    work.mkdir()
    manifest, dump = archive.read(good, work, identities=None)
    content = dump.read_bytes()
    dump.write_bytes(content[: len(content) * 2 // 3])  # cut off mid-way, hash updated
    manifest = {**manifest, "database_sha256": archive.sha256_of(dump)}
    archive.write(broken, manifest, dump, recipients=[], compress=False)

    with pytest.raises(CommandError, match="pg_restore failed"):
        _restore(broken, "--into", _url(drill))
    assert postgres.table_names(drill) == set()
