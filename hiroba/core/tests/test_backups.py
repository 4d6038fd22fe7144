"""manage.py backup and restore on SQLite (decision 0018): the restore drill, encryption, and
every refusal that keeps a bad backup from touching a database. PostgreSQL: test_backups_pg.py.

The test database is SQLite in memory; backups read it through Django's own connection, and a
restore over it goes through a second connection to the same shared in-memory database.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import tarfile
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from hiroba.accounts.choices import Role
from hiroba.consultations.models import Consultation
from hiroba.consultations.tests.factories import CANARY, consultation
from hiroba.core.backups import archive, fingerprint
from hiroba.core.backups import sqlite as sqlite_backup
from hiroba.core.models import AuditLog, Hub
from hiroba.core.tests.factories import HubFactory
from hiroba.families.tests.factories import family
from hiroba.news.models import NewsImage
from hiroba.news.tests.factories import item_with_photo

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite backups"),
]


@pytest.fixture
def records(world):
    """A little of everything: Japanese text, a photo's bytes, an encrypted consultation."""
    family(world.a.hub)
    news = item_with_photo(world.a.hub, title="年末年始のお知らせ　１２月")
    record = consultation(world.a.hub, actor=world.a.person(Role.HUB_MANAGER))
    return {"photo": bytes(news.image.data), "consultation": record.pk}


def _backup(path: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command("backup", "--output", str(path), *extra, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _restore(path: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *extra, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _live_tables() -> dict:
    """The test database's fingerprint, through a plain connection as the commands use (Django's
    own converts dates and decimals, which would hash differently)."""
    params = connection.get_connection_params()
    database = sqlite3.connect(params["database"], uri=params.get("uri", False))
    try:
        return sqlite_backup.tables(database)
    finally:
        database.close()


def _file_tables(path: Path) -> dict:
    database = sqlite3.connect(path)
    try:
        return sqlite_backup.tables(database)
    finally:
        database.close()


def _manifest(path: Path) -> dict:
    with tarfile.open(path) as opened:
        return json.loads(opened.extractfile(archive.MANIFEST).read())


def test_the_drill_restores_into_a_new_file_that_equals_the_source(records, tmp_path):
    before = _live_tables()
    backup = tmp_path / "b.tar.gz"
    printed = _backup(backup, "--no-encryption")
    assert f"{len(before)} tables, {fingerprint.total_rows(before)} rows" in printed

    drill = tmp_path / "drill.sqlite3"
    printed = _restore(backup, "--into", str(drill))

    assert "every table matches the backup" in printed
    restored = _file_tables(drill)
    assert restored == before == _manifest(backup)["tables"]
    assert restored["news_newsimage"]["rows"] == 1
    # The values themselves, read back: the photo's bytes and the record's ciphertext.
    with sqlite3.connect(drill) as database:
        (photo,) = database.execute("SELECT data FROM news_newsimage").fetchone()
        (summary,) = database.execute(
            "SELECT summary FROM consultations_consultation WHERE id = ?", [records["consultation"]]
        ).fetchone()
    assert photo == records["photo"]
    assert summary.startswith("hb1:") and CANARY not in summary
    # The backup's own audit row was written after the snapshot, in the source only.
    assert AuditLog.objects.filter(action="core.backup.created").count() == 1
    assert restored["core_auditlog"]["rows"] == AuditLog.objects.count() - 1


def test_restoring_over_the_configured_database_brings_back_what_was_backed_up(records, tmp_path):
    backup = tmp_path / "b.tar.gz"
    _backup(backup, "--no-encryption")
    expected = _manifest(backup)["tables"]
    Hub.objects.filter(parent__isnull=False).update(name="変更後")
    NewsImage.objects.all().delete()
    HubFactory(name="バックアップ後の拠点")

    _restore(backup, "--replace", "--no-input")

    assert not Hub.objects.filter(name__in=["変更後", "バックアップ後の拠点"]).exists()
    assert bytes(NewsImage.objects.get().data) == records["photo"]
    assert Consultation.objects.get(pk=records["consultation"]).summary == CANARY
    # Every table as in the backup, and then one audit row saying a restore happened (which
    # also moved the audit log's id counter in sqlite_sequence).
    now = _live_tables()
    assert fingerprint.differences(expected, now, ignore=["core_auditlog", "sqlite_sequence"]) == []
    assert now["core_auditlog"]["rows"] == expected["core_auditlog"]["rows"] + 1
    actions = list(AuditLog.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-1] == "core.backup.restored"
    assert "core.backup.created" not in actions


def test_a_database_that_is_not_empty_is_left_alone_without_replace(records, tmp_path):
    backup = tmp_path / "b.tar.gz"
    _backup(backup, "--no-encryption")
    HubFactory(name="残るはずの拠点")
    before = _live_tables()

    with pytest.raises(CommandError, match="not empty: add --replace"):
        _restore(backup, "--no-input")

    assert _live_tables() == before


def test_an_encrypted_backup_opens_only_with_its_identity(records, tmp_path):
    key, other_key = tmp_path / "key.txt", tmp_path / "other.txt"
    printed = io.StringIO()
    call_command("generate_backup_key", str(key), stdout=printed, stderr=io.StringIO())
    call_command("generate_backup_key", str(other_key), stdout=io.StringIO(), stderr=io.StringIO())
    recipient = printed.getvalue().strip().removeprefix("HIROBA_BACKUP_RECIPIENTS=")
    assert oct(key.stat().st_mode & 0o777) == "0o600"

    backup = tmp_path / "b.tar.gz.age"
    _backup(backup, "--recipient", recipient)

    assert archive.is_encrypted(backup)
    with pytest.raises(tarfile.TarError):
        tarfile.open(backup).close()
    drill = tmp_path / "drill.sqlite3"
    with pytest.raises(CommandError, match="encrypted: give the identity file"):
        _restore(backup, "--into", str(drill))
    with pytest.raises(CommandError, match="cannot decrypt"):
        _restore(backup, "--into", str(drill), "--identity", str(other_key))
    assert not drill.exists()
    _restore(backup, "--into", str(drill), "--identity", str(key))
    assert _file_tables(drill)["consultations_consultation"]["rows"] == 1


def test_the_recipients_setting_encrypts_by_default(records, tmp_path, settings):
    text, recipient = archive.new_identity_file()
    settings.HIROBA_BACKUP_RECIPIENTS = [recipient]
    settings.HIROBA_BACKUP_DIR = tmp_path / "backups"
    call_command("backup", stdout=io.StringIO(), stderr=io.StringIO())
    (written,) = (tmp_path / "backups").iterdir()
    assert written.name.startswith("hiroba-") and written.name.endswith(".tar.gz.age")
    assert archive.is_encrypted(written)
    assert oct(written.stat().st_mode & 0o777) == "0o600"


def test_a_bad_recipient_is_refused_before_anything_is_written(db, tmp_path):
    with pytest.raises(CommandError, match="not an age recipient"):
        _backup(tmp_path / "b.tar.gz", "--recipient", "age1-not-a-key")
    assert list(tmp_path.iterdir()) == []


def _rewrite(source: Path, target: Path, tmp_path: Path, *, manifest=None, database=None):
    """A copy of backup ``source`` with its manifest and/or database replaced."""
    work = tmp_path / "unpacked"
    work.mkdir()
    original, copy = archive.read(source, work, identities=None)
    if database is not None:
        database(copy)
    manifest = manifest(dict(original)) if manifest else original
    archive.write(target, manifest, copy, recipients=[], compress=True)


def _change_a_hub_name(path: Path) -> None:
    with sqlite3.connect(path) as database:
        database.execute(
            "UPDATE core_hub SET name = '書き換え' WHERE id = (SELECT min(id) FROM core_hub)"
        )
    database.close()


def test_a_database_that_does_not_match_its_hash_is_refused(records, tmp_path):
    good, bad = tmp_path / "good.tar.gz", tmp_path / "bad.tar.gz"
    _backup(good, "--no-encryption")
    _rewrite(good, bad, tmp_path, database=_change_a_hub_name)  # hash kept from the original

    with pytest.raises(CommandError, match="damaged"):
        _restore(bad, "--into", str(tmp_path / "drill.sqlite3"))
    assert not (tmp_path / "drill.sqlite3").exists()


def test_a_database_that_does_not_match_its_manifest_is_refused(records, tmp_path):
    good, bad = tmp_path / "good.tar.gz", tmp_path / "bad.tar.gz"
    _backup(good, "--no-encryption")

    def with_new_hash(manifest):
        return {
            **manifest,
            "database_sha256": archive.sha256_of(tmp_path / "unpacked" / "database.sqlite3"),
        }

    _rewrite(good, bad, tmp_path, database=_change_a_hub_name, manifest=with_new_hash)

    with pytest.raises(CommandError, match=r"does not match its manifest: core_hub: same number"):
        _restore(bad, "--into", str(tmp_path / "drill.sqlite3"))
    assert not (tmp_path / "drill.sqlite3").exists()


def test_a_backup_from_a_newer_hiroba_is_refused(records, tmp_path):
    good, newer = tmp_path / "good.tar.gz", tmp_path / "newer.tar.gz"
    _backup(good, "--no-encryption")

    def from_the_future(manifest):
        return {**manifest, "migrations": [*manifest["migrations"], "core.9999_from_the_future"]}

    _rewrite(good, newer, tmp_path, manifest=from_the_future)
    with pytest.raises(CommandError, match="newer Hiroba.*core.9999_from_the_future"):
        _restore(newer, "--into", str(tmp_path / "drill.sqlite3"))


def test_an_older_backup_restores_and_asks_for_migrate(records, tmp_path):
    good, older = tmp_path / "good.tar.gz", tmp_path / "older.tar.gz"
    _backup(good, "--no-encryption")

    def without_the_last_migration(manifest):
        return {**manifest, "migrations": manifest["migrations"][:-1]}

    _rewrite(good, older, tmp_path, manifest=without_the_last_migration)
    printed = _restore(older, "--into", str(tmp_path / "drill.sqlite3"))
    assert "1 migrations are newer than the backup: run manage.py migrate" in printed


def test_a_backup_is_not_restored_into_the_other_engine(records, tmp_path):
    backup = tmp_path / "b.tar.gz"
    _backup(backup, "--no-encryption")
    with pytest.raises(
        CommandError, match="backup is of a sqlite database, the target is postgresql"
    ):
        _restore(backup, "--into", "postgres://nobody@127.0.0.1:1/none")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a tar archive at all", "not a readable Hiroba backup"),
        (None, "no manifest.json"),
    ],
)
def test_files_that_are_not_backups_are_refused(db, tmp_path, content, message):
    path = tmp_path / "x.tar"
    if content is None:
        with tarfile.open(path, "w") as written:
            info = tarfile.TarInfo("../../escape.txt")
            info.size = 3
            written.addfile(info, io.BytesIO(b"bad"))
    else:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        _restore(path, "--into", str(tmp_path / "drill.sqlite3"))
    assert not (tmp_path.parent / "escape.txt").exists()


def test_keep_days_deletes_only_old_backups(records, tmp_path):
    old, recent, other = (
        tmp_path / "hiroba-old.tar.gz",
        tmp_path / "hiroba-recent.tar",
        tmp_path / "notes.txt",
    )
    for path in (old, recent, other):
        path.write_bytes(b"x")
    forty_days_ago = time.time() - 40 * 86400
    for path in (old, other):
        os.utime(path, (forty_days_ago, forty_days_ago))

    printed = _backup(tmp_path / "hiroba-new.tar.gz", "--no-encryption", "--keep-days", "30")

    assert "Deleted hiroba-old.tar.gz" in printed
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "hiroba-new.tar.gz",
        "hiroba-recent.tar",
        "notes.txt",
    ]


def test_an_existing_file_is_never_overwritten(records, tmp_path):
    backup = tmp_path / "b.tar.gz"
    backup.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="exists already"):
        _backup(backup, "--no-encryption")
    assert backup.read_bytes() == b"an older backup"


def test_an_encrypted_backup_leaves_no_plain_data_in_the_backup_folder(
    records, tmp_path, monkeypatch
):
    """A run killed while encrypting must not leave the unencrypted copy where backups are synced
    off the machine: the plain database and tar are built in a private temporary directory."""
    _text, recipient = archive.new_identity_file()
    folder = tmp_path / "backups"
    seen = []
    real_encrypt = archive.pyrage.encrypt_io

    def encrypt_io(source, target, recipients):
        seen.extend(sorted(p.name for p in folder.rglob("*")))
        return real_encrypt(source, target, recipients)

    monkeypatch.setattr(archive.pyrage, "encrypt_io", encrypt_io)
    _backup(folder / "b.tar.gz.age", "--recipient", recipient)
    assert seen == ["b.tar.gz.age.part"]  # only the encrypted file being written
