"""AES-256-GCM tokens, key parsing and the settings that hold the keys (decision 0010)."""

import base64
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings

from hiroba.core import checks, crypto
from hiroba.core.crypto import DecryptionError, FieldKeyError

CONTEXT = "families.household.notes"
KEY_A = bytes(range(32))
KEY_B = bytes(range(32, 64))
ROOT = Path(__file__).resolve().parents[3]


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def flip(token: str, position: int) -> str:
    """The token with one byte of its decoded body changed."""
    head, body = token.rsplit(":", 1)
    data = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    data[position] ^= 0x01
    return head + ":" + base64.urlsafe_b64encode(bytes(data)).rstrip(b"=").decode()


@pytest.mark.parametrize("text", ["相談内容：夜泣きが続いている。", "", "a", "🙂" * 1000])
def test_round_trip(text):
    token = crypto.encrypt_text(text, context=CONTEXT)
    assert token.startswith("hb1:dev1:")
    assert "=" not in token  # unpadded
    assert crypto.decrypt_text(token, context=CONTEXT) == text


def test_the_same_text_encrypts_differently_each_time():
    first = crypto.encrypt_text("同じ文", context=CONTEXT)
    second = crypto.encrypt_text("同じ文", context=CONTEXT)
    assert first != second


@pytest.mark.parametrize("position", [0, 11, 12, -1])  # nonce, ciphertext, tag
def test_changing_one_byte_is_detected(position):
    token = crypto.encrypt_text("秘密", context=CONTEXT)
    with pytest.raises(DecryptionError) as caught:
        crypto.decrypt_text(flip(token, position), context=CONTEXT)
    assert CONTEXT in str(caught.value) and "'dev1'" in str(caught.value)
    assert "秘密" not in str(caught.value)


def test_a_token_moved_to_another_field_does_not_decrypt():
    token = crypto.encrypt_text("秘密", context=CONTEXT)
    with pytest.raises(DecryptionError, match="families.household.phone"):
        crypto.decrypt_text(token, context="families.household.phone")


def test_an_unknown_key_id_says_the_key_is_not_configured():
    with override_settings(HIROBA_FIELD_KEYS=[("gone", KEY_A)]):
        token = crypto.encrypt_text("x", context=CONTEXT)
    with pytest.raises(DecryptionError, match="'gone' is not configured"):
        crypto.decrypt_text(token, context=CONTEXT)


@pytest.mark.parametrize(
    "token",
    ["plain text", "hb1:dev1:", "hb1:DEV1:abcd", "hb2:dev1:abcd", "hb1:dev1:a+b/", "hb1:x:"],
)
def test_malformed_tokens_raise_decryption_error(token):
    with pytest.raises(DecryptionError):
        crypto.decrypt_text(token, context=CONTEXT)


def test_truncated_token_raises():
    token = crypto.encrypt_text("x", context=CONTEXT)
    with pytest.raises(DecryptionError, match="truncated"):
        crypto.decrypt_text(token[:20], context=CONTEXT)


def test_the_first_key_encrypts_and_the_others_decrypt():
    with override_settings(HIROBA_FIELD_KEYS=[("old", KEY_A)]):
        old = crypto.encrypt_text("前の鍵", context=CONTEXT)
    with override_settings(HIROBA_FIELD_KEYS=[("new", KEY_B), ("old", KEY_A)]):
        assert crypto.current_key_id() == "new"
        assert crypto.key_id_of(crypto.encrypt_text("x", context=CONTEXT)) == "new"
        assert crypto.key_id_of(old) == "old"
        assert crypto.decrypt_text(old, context=CONTEXT) == "前の鍵"
        assert crypto.key_id_of(crypto.reencrypt(old, context=CONTEXT)) == "new"


def test_a_different_key_under_the_same_id_fails_authentication():
    with override_settings(HIROBA_FIELD_KEYS=[("k1", KEY_A)]):
        token = crypto.encrypt_text("x", context=CONTEXT)
    with (
        override_settings(HIROBA_FIELD_KEYS=[("k1", KEY_B)]),
        pytest.raises(DecryptionError, match="failed authentication"),
    ):
        crypto.decrypt_text(token, context=CONTEXT)


def test_parse_reads_ids_and_keys_in_order():
    urlsafe = base64.urlsafe_b64encode(KEY_B).rstrip(b"=").decode()
    text = f" k2={b64(KEY_A)} ,\nk1={urlsafe}\n"
    assert crypto.parse_field_keys(text) == [("k2", KEY_A), ("k1", KEY_B)]


def test_format_and_parse_agree():
    line = crypto.format_field_key("k20261201", KEY_A)
    assert crypto.parse_field_keys(line) == [("k20261201", KEY_A)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no keys"),
        ("k1", "not of the form"),
        (f"K1={b64(KEY_A)}", "a-z and 0-9"),
        (f"{'k' * 17}={b64(KEY_A)}", "a-z and 0-9"),
        (f"k-1={b64(KEY_A)}", "a-z and 0-9"),
        (f"k1={b64(KEY_A[:16])}", "32 bytes, got 16"),
        (f"k1={b64(KEY_A + b'x')}", "32 bytes, got 33"),
        ("k1=not base64!", "not base64"),
        ("k1=abcde", "not base64"),
        (f"k1={b64(KEY_A)},k1={b64(KEY_B)}", "appears twice"),
    ],
)
def test_parse_rejects_malformed_keys(text, message):
    with pytest.raises(FieldKeyError, match=message) as caught:
        crypto.parse_field_keys(text)
    assert b64(KEY_A) not in str(caught.value)  # key material never in messages


def test_a_malformed_setting_is_improperly_configured():
    with (
        override_settings(HIROBA_FIELD_KEYS=[("k1", b"short")]),
        pytest.raises(ImproperlyConfigured, match="32 bytes"),
    ):
        crypto.encrypt_text("x", context=CONTEXT)


def test_production_settings_need_real_keys():
    with pytest.raises(ImproperlyConfigured, match="HIROBA_FIELD_KEYS"):
        crypto.field_keys_setting("", production=True)
    with pytest.raises(ImproperlyConfigured, match="development key"):
        crypto.field_keys_setting(f"mine={b64(crypto.DEV_KEY)}", production=True)
    with pytest.raises(ImproperlyConfigured, match="development key"):
        crypto.field_keys_setting(f"k1={b64(KEY_A)},dev1={b64(crypto.DEV_KEY)}", production=True)
    assert crypto.field_keys_setting(f"k1={b64(KEY_A)}", production=True) == [("k1", KEY_A)]
    assert crypto.field_keys_setting("", production=False) == [("dev1", crypto.DEV_KEY)]


def test_deploy_check_reports_the_development_key():
    errors = checks.field_key_is_not_the_development_key(None)
    assert [error.id for error in errors] == ["hiroba.E002"]
    with override_settings(HIROBA_FIELD_KEYS=[("k1", KEY_A), ("dev1", crypto.DEV_KEY)]):
        assert checks.field_key_is_not_the_development_key(None) == []


def test_generate_field_key_prints_a_usable_key():
    out = io.StringIO()
    call_command("generate_field_key", "--id", "k9", stdout=out, stderr=io.StringIO())
    line = out.getvalue().strip()
    [(key_id, key)] = crypto.parse_field_keys(line)
    assert key_id == "k9" and len(key) == 32 and key not in (KEY_A, crypto.DEV_KEY)
    again = io.StringIO()
    call_command("generate_field_key", "--id", "k9", stdout=again, stderr=io.StringIO())
    assert again.getvalue().strip() != line


def _start_production(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("HIROBA_", "DATABASE_", "DJANGO_"))
    }
    clean.update(DJANGO_SETTINGS_MODULE="hiroba.settings.production", **env)
    clean.setdefault("HIROBA_SECRET_KEY", "k" * 60)
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print([k for k, _ in settings.HIROBA_FIELD_KEYS])"
    return subprocess.run(  # noqa: S603  (our own interpreter and code)
        [sys.executable, "-c", code],
        check=False,
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_real_field_keys(tmp_path):
    missing = _start_production()
    assert missing.returncode != 0 and "HIROBA_FIELD_KEYS" in missing.stderr
    development = _start_production(HIROBA_FIELD_KEYS=f"dev1={b64(crypto.DEV_KEY)}")
    assert development.returncode != 0 and "development key" in development.stderr
    key_file = tmp_path / "field_keys"
    key_file.write_text(f"k2={b64(KEY_B)}\nk1={b64(KEY_A)}\n")
    from_file = _start_production(HIROBA_FIELD_KEYS_FILE=str(key_file))
    assert from_file.returncode == 0, from_file.stderr
    assert from_file.stdout.strip() == "['k2', 'k1']"
