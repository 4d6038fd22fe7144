"""Field-level encryption at rest for 要配慮個人情報 (decision 0010).

A stored value is a token ``hb1:<key id>:<urlsafe base64, unpadded, of nonce ‖ ciphertext ‖ tag>``
made with AES-256-GCM and a random 96-bit nonce. The associated data is the *context*, the field's
``app_label.model_name.field_name``: a token copied into another field fails to decrypt instead of
showing one field's secret under another's label.

Keys live outside the database in the setting ``HIROBA_FIELD_KEYS``, an ordered list of
``(key id, 32 bytes)``. The first key encrypts; the others only decrypt, so keys can be rotated
(``manage.py rotate_field_keys``) without a flag day. The key id inside each token says which
key to use, so decryption never has to try keys in turn.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = "hb1"
KEY_ID_PATTERN = re.compile(r"[a-z0-9]{1,16}")
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits, the size GCM is designed for; random per value
TAG_BYTES = 16
# "hb1:" + the longest key id + ":": enough of a token to read its key id without the rest.
TOKEN_HEAD_LENGTH = len(VERSION) + 1 + 16 + 1
_BODY_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
_KEY_TEXT_PATTERN = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")

# The development and test key is public (it is in this file): data under it is not protected.
# The production settings refuse it and the deploy check hiroba.E002 reports it.
DEV_KEY_ID = "dev1"
DEV_KEY = b"hiroba.dev.field.key.NOT.SECRET!"
DEV_FIELD_KEYS: tuple[tuple[str, bytes], ...] = ((DEV_KEY_ID, DEV_KEY),)


class FieldKeyError(ValueError):
    """The configured field keys are malformed. Messages name key ids, never key material."""


class DecryptionError(Exception):
    """A stored value cannot be decrypted. Messages name the context and key id, never the
    plaintext (which is unknown anyway) nor the ciphertext."""


# --- Keys -----------------------------------------------------------------------------------


def parse_field_keys(text: str) -> list[tuple[str, bytes]]:
    """Parse ``kid1=<base64 of 32 bytes>,kid2=<...>`` (commas or new lines between entries,
    standard or URL-safe base64, padding optional). The first entry is the current key."""
    entries = [item.strip() for item in re.split(r"[,\n]", text) if item.strip()]
    keys = []
    for position, entry in enumerate(entries, start=1):
        key_id, separator, encoded = entry.partition("=")
        key_id = key_id.strip()
        if not separator:
            raise FieldKeyError(f"entry {position} is not of the form id=base64key")
        keys.append((key_id, _decode_key(key_id, position, encoded.strip())))
    validate_field_keys(keys)
    return keys


def _decode_key(key_id: str, position: int, encoded: str) -> bytes:
    where = f"key {key_id!r} (entry {position})"
    if not _KEY_TEXT_PATTERN.fullmatch(encoded):
        raise FieldKeyError(f"{where} is not base64")
    standard = encoded.rstrip("=").replace("-", "+").replace("_", "/")
    try:
        key = base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except binascii.Error:
        raise FieldKeyError(f"{where} is not base64") from None
    if len(key) != KEY_BYTES:
        raise FieldKeyError(f"{where} must decode to {KEY_BYTES} bytes, got {len(key)}")
    return key


def validate_field_keys(keys: Sequence[tuple[str, bytes]]) -> None:
    """Check ids, lengths and uniqueness of a key list (the parsed env or a settings literal)."""
    if not keys:
        raise FieldKeyError("no keys configured; the first key encrypts new values")
    seen: set[str] = set()
    for entry in keys:
        if not (isinstance(entry, tuple | list) and len(entry) == 2):
            raise FieldKeyError("each key must be a (key id, 32 bytes) pair")
        key_id, key = entry
        if not isinstance(key_id, str) or not KEY_ID_PATTERN.fullmatch(key_id):
            raise FieldKeyError(f"key id {key_id!r} must be 1-16 characters of a-z and 0-9")
        if key_id in seen:
            raise FieldKeyError(f"key id {key_id!r} appears twice")
        if not isinstance(key, bytes) or len(key) != KEY_BYTES:
            raise FieldKeyError(f"key {key_id!r} must be {KEY_BYTES} bytes")
        seen.add(key_id)


def field_keys_setting(text: str, *, production: bool) -> list[tuple[str, bytes]]:
    """The value of ``HIROBA_FIELD_KEYS`` from the environment's text, for the settings modules.

    Development falls back to the public development key; production refuses to start without
    real keys, like it does without a SECRET_KEY."""
    if not text:
        if production:
            raise ImproperlyConfigured(
                "Set HIROBA_FIELD_KEYS (or HIROBA_FIELD_KEYS_FILE) to id=base64key entries; "
                "manage.py generate_field_key prints one."
            )
        return list(DEV_FIELD_KEYS)
    try:
        keys = parse_field_keys(text)
    except FieldKeyError as error:
        raise ImproperlyConfigured(f"HIROBA_FIELD_KEYS: {error}") from None
    if production and any(is_development_key(key) for _, key in keys):
        raise ImproperlyConfigured(
            "HIROBA_FIELD_KEYS holds the public development key; generate a real key."
        )
    return keys


def is_development_key(key: bytes) -> bool:
    return key == DEV_KEY


@dataclass(frozen=True)
class _Keyring:
    current_id: str
    current_key: bytes
    ciphers: dict[str, AESGCM]


def _keyring() -> _Keyring:
    configured = getattr(settings, "HIROBA_FIELD_KEYS", None)
    if configured is None:
        raise ImproperlyConfigured("HIROBA_FIELD_KEYS is not set (see docs/deployment.md)")
    try:
        # Keyed on the setting's value, so override_settings in tests picks up new keys.
        return _build_keyring(tuple(tuple(entry) for entry in configured))
    except (FieldKeyError, TypeError) as error:
        raise ImproperlyConfigured(f"HIROBA_FIELD_KEYS: {error}") from None


@functools.lru_cache(maxsize=8)
def _build_keyring(keys: tuple[tuple[str, bytes], ...]) -> _Keyring:
    validate_field_keys(keys)
    return _Keyring(keys[0][0], keys[0][1], {key_id: AESGCM(key) for key_id, key in keys})


def current_key_id() -> str:
    return _keyring().current_id


def current_key_is_development_key() -> bool:
    return is_development_key(_keyring().current_key)


def configured_key_ids() -> list[str]:
    return list(_keyring().ciphers)


# --- Tokens ---------------------------------------------------------------------------------


def encrypt_text(plaintext: str, *, context: str) -> str:
    """Encrypt under the current key; the same text gives a different token every time."""
    keyring = _keyring()
    nonce = _random_nonce()
    sealed = keyring.ciphers[keyring.current_id].encrypt(
        nonce, plaintext.encode("utf-8"), context.encode("utf-8")
    )
    body = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")
    return f"{VERSION}:{keyring.current_id}:{body}"


def _random_nonce() -> bytes:
    # A fresh random nonce per value: GCM must never see a (key, nonce) pair twice, and
    # 2^32 values per key keeps the chance of a random collision negligible.
    return os.urandom(NONCE_BYTES)


def decrypt_text(token: str, *, context: str) -> str:
    key_id, body = _split(token, context)
    cipher = _keyring().ciphers.get(key_id)
    if cipher is None:
        raise DecryptionError(
            f"{context}: key {key_id!r} is not configured in HIROBA_FIELD_KEYS "
            "(was an old key removed before rotate_field_keys ran?)"
        )
    try:
        data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError(f"{context}: value under key {key_id!r} is not base64") from None
    if len(data) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError(f"{context}: value under key {key_id!r} is truncated")
    try:
        plain = cipher.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], context.encode("utf-8"))
    except InvalidTag:
        raise DecryptionError(
            f"{context}: value under key {key_id!r} failed authentication "
            "(altered, copied from another field, or a different key with the same id)"
        ) from None
    return plain.decode("utf-8")


def key_id_of(token: str) -> str:
    """The key id a token was encrypted under (raises DecryptionError for a non-token)."""
    return _split(token, "(unknown field)")[0]


def _split(token: str, context: str) -> tuple[str, str]:
    version, _, rest = token.partition(":")
    key_id, _, body = rest.partition(":")
    if version != VERSION or not KEY_ID_PATTERN.fullmatch(key_id):
        raise DecryptionError(f"{context}: stored value is not an {VERSION} token")
    if not _BODY_PATTERN.fullmatch(body):
        raise DecryptionError(f"{context}: value under key {key_id!r} is not base64")
    return key_id, body


def key_id_of_head(head: str) -> str | None:
    """The key id in the first TOKEN_HEAD_LENGTH characters of a token, or None if malformed.
    Lets the rotation survey read key ids without fetching whole ciphertexts."""
    version, _, rest = head.partition(":")
    key_id, separator, _ = rest.partition(":")
    if version != VERSION or not separator or not KEY_ID_PATTERN.fullmatch(key_id):
        return None
    return key_id


def format_field_key(key_id: str, key: bytes) -> str:
    """``kid=<base64>``, the form parse_field_keys reads (generate_field_key prints it)."""
    validate_field_keys([(key_id, key)])
    return f"{key_id}=" + base64.urlsafe_b64encode(key).rstrip(b"=").decode("ascii")


def reencrypt(token: str, *, context: str) -> str:
    """The same plaintext under the current key (used by rotate_field_keys)."""
    return encrypt_text(decrypt_text(token, context=context), context=context)
