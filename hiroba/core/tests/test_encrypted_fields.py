"""EncryptedTextField and rotate_field_keys against a throwaway model (decision 0010).

The model is registered in the real app registry under "core" for the length of one test, with
its table created and dropped around it, so the command finds it the way it finds real models.
Schema changes on SQLite cannot run inside a transaction, hence ``transaction=True``.
"""

import io

import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.db.models.functions import Cast
from django.test import override_settings
from django.test.utils import isolate_apps

from hiroba.core import crypto
from hiroba.core.encrypted_fields import EncryptedTextField, encrypted_fields
from hiroba.core.models import AuditLog

OLD = ("old1", bytes(range(32)))
NEW = ("new2", bytes(range(100, 132)))
CANARY = "カナリア-相談記録-7f3a9c"
CONTROL = "control-plain-5e1b2d"


@pytest.fixture
def probe(transactional_db):
    class EncryptionProbe(models.Model):
        body = EncryptedTextField(blank=True)
        memo = EncryptedTextField(null=True, blank=True)
        label = models.TextField(blank=True)  # not encrypted: the control for the file scan

        class Meta:
            app_label = "core"

        def __str__(self) -> str:
            return f"probe {self.pk}"

    with connection.schema_editor() as editor:
        editor.create_model(EncryptionProbe)
    try:
        yield EncryptionProbe
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(EncryptionProbe)
        del apps.all_models["core"]["encryptionprobe"]
        apps.clear_cache()


def raw(model, name: str) -> list:
    """Stored values, straight from the column (no decryption)."""
    column = Cast(name, output_field=models.TextField())
    return list(model.objects.order_by("pk").annotate(r=column).values_list("r", flat=True))


def rotate(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_field_keys", *args, stdout=out)
    return out.getvalue()


def test_values_are_stored_encrypted_and_read_back(probe):
    row = probe.objects.create(body="夜泣きの相談", memo=None)
    [stored] = raw(probe, "body")
    assert stored.startswith("hb1:dev1:") and "夜泣き" not in stored
    assert probe.objects.get(pk=row.pk).body == "夜泣きの相談"
    assert list(probe.objects.values_list("body", flat=True)) == ["夜泣きの相談"]
    # The token is bound to its field: copied raw into another column it does not decrypt.
    probe.objects.update(memo=Cast("body", output_field=models.TextField()))
    with pytest.raises(crypto.DecryptionError, match="core.encryptionprobe.memo"):
        probe.objects.get(pk=row.pk)


def test_empty_and_null_stay_visible_so_blank_checks_work(probe):
    empty = probe.objects.create(body="", memo=None)
    filled = probe.objects.create(body="x", memo="y")
    assert raw(probe, "body")[0] == "" and raw(probe, "memo")[0] is None
    assert list(probe.objects.filter(body="")) == [empty]
    assert list(probe.objects.filter(memo__isnull=True)) == [empty]
    assert list(probe.objects.filter(memo=None)) == [empty]
    assert list(probe.objects.exclude(body="")) == [filled]
    assert probe.objects.get(pk=empty.pk).body == ""


@pytest.mark.parametrize(
    "lookup", [{"body": "x"}, {"body__icontains": "x"}, {"body__startswith": "hb1"}]
)
def test_encrypted_values_cannot_be_filtered(probe, lookup):
    with pytest.raises(FieldError, match="core.encryptionprobe.body is encrypted"):
        probe.objects.filter(**lookup)


def test_bulk_writes_encrypt_too(probe):
    probe.objects.bulk_create([probe(body="一"), probe(body="二")])
    rows = list(probe.objects.order_by("pk"))
    rows[0].body = "三"
    probe.objects.bulk_update(rows, ["body"])
    probe.objects.filter(pk=rows[1].pk).update(body="四")
    assert all(value.startswith("hb1:dev1:") for value in raw(probe, "body"))
    assert [row.body for row in probe.objects.order_by("pk")] == ["三", "四"]


def test_the_command_finds_the_probe_and_deconstruct_has_no_context(probe):
    found = [(model, field.name) for model, field in encrypted_fields()]
    assert (probe, "body") in found and (probe, "memo") in found
    field = probe._meta.get_field("body")
    assert field.context == "core.encryptionprobe.body"
    name, path, args, kwargs = field.deconstruct()
    assert path == "hiroba.core.encrypted_fields.EncryptedTextField"
    assert kwargs == {"blank": True}


def test_rotation_moves_every_value_to_the_new_key(probe):
    with override_settings(HIROBA_FIELD_KEYS=[OLD]):
        probe.objects.create(body="一つ目", memo="メモ")
        probe.objects.create(body="", memo=None)
        for number in range(3):
            probe.objects.create(body=f"本文{number}", memo="")
    assert all(v.startswith("hb1:old1:") for v in raw(probe, "body") if v)

    with override_settings(HIROBA_FIELD_KEYS=[NEW, OLD]):
        with pytest.raises(CommandError, match="not under the current key 'new2'"):
            rotate("--check")
        assert "core.encryptionprobe.body: 4 to rotate" in rotate("--dry-run")
        assert all(v.startswith("hb1:old1:") for v in raw(probe, "body") if v)
        assert not AuditLog.objects.filter(action="core.fieldkeys.rotated").exists()

        output = rotate("--batch-size", "2")
        assert "core.encryptionprobe.body: rotated 4" in output
        assert "core.encryptionprobe.memo: rotated 1" in output
        bodies, memos = raw(probe, "body"), raw(probe, "memo")
        assert [v[:9] for v in bodies] == ["hb1:new2:", "", "hb1:new2:", "hb1:new2:", "hb1:new2:"]
        assert memos[0].startswith("hb1:new2:") and memos[1] is None and memos[2:] == ["", "", ""]
        log = AuditLog.objects.get(action="core.fieldkeys.rotated")
        assert log.actor is None
        assert log.payload["key_id"] == "new2"
        assert log.payload["rotated"]["core.encryptionprobe.body"] == 4

        assert "core.encryptionprobe.body: rotated 0" in rotate()
        assert raw(probe, "body") == bodies  # idempotent: nothing rewritten
        assert "0 values are not under the current key" in rotate("--check")

    with override_settings(HIROBA_FIELD_KEYS=[NEW]):
        values = list(probe.objects.order_by("pk").values_list("body", "memo"))
    assert values == [("一つ目", "メモ"), ("", None), ("本文0", ""), ("本文1", ""), ("本文2", "")]


def test_rotation_refuses_values_under_a_key_that_is_not_configured(probe):
    with override_settings(HIROBA_FIELD_KEYS=[OLD]):
        probe.objects.create(body="古い")
    before = raw(probe, "body")
    with (
        override_settings(HIROBA_FIELD_KEYS=[NEW]),
        pytest.raises(CommandError, match="core.encryptionprobe.body: 1 values under key 'old1'"),
    ):
        rotate()
    assert raw(probe, "body") == before
    assert not AuditLog.objects.filter(action="core.fieldkeys.rotated").exists()


def test_a_canary_never_reaches_the_database_in_clear(probe, tmp_path):
    probe.objects.create(body=CANARY, memo=CANARY, label=CONTROL)
    assert all(CANARY not in value for value in raw(probe, "body") + raw(probe, "memo"))
    if connection.vendor != "sqlite":
        return
    # A byte copy of the whole database, as a backup would be (works for in-memory test DBs).
    copy = tmp_path / "copy.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(copy)])
    data = copy.read_bytes()
    assert CONTROL.encode() in data  # the scan sees plain columns, so it could find the canary
    assert raw(probe, "body")[0].encode() in data
    assert CANARY.encode("utf-8") not in data


@isolate_apps("hiroba.core")
def test_an_encrypted_field_cannot_be_unique_or_indexed():
    class Indexed(models.Model):
        secret = EncryptedTextField(unique=True)

        class Meta:
            app_label = "core"

        def __str__(self) -> str:
            return "indexed"

    assert [error.id for error in Indexed._meta.get_field("secret").check()] == ["hiroba.E004"]
