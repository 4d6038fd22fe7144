"""The backup file: a tar archive of ``manifest.json`` and the database, optionally encrypted.

Encryption is age (through pyrage) to X25519 recipients: the server holds only the public
recipient, so a stolen server and its backups do not open the backups; the identity (private
key) lives offline with whoever restores. Any ``age`` or ``rage`` program decrypts the file too.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
from collections.abc import Iterable
from pathlib import Path

import pyrage
from pyrage import x25519

FORMAT = "hiroba-backup/1"
MANIFEST = "manifest.json"
AGE_MAGIC = b"age-encryption.org/v1\n"
ENGINES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
REQUIRED_KEYS = ("format", "engine", "created_at", "database_sha256", "migrations", "tables")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup cannot be made, read or restored; the message says why, for the operator."""


# --- Keys -------------------------------------------------------------------------------------


def parse_recipients(values: Iterable[str]) -> list[x25519.Recipient]:
    recipients = []
    for value in values:
        try:
            recipients.append(x25519.Recipient.from_str(value.strip()))
        except pyrage.RecipientError:
            raise BackupError(f"not an age recipient (a public key 'age1…'): {value!r}") from None
    return recipients


def load_identities(path: Path) -> list[x25519.Identity]:
    """The identities of an age identity file (lines 'AGE-SECRET-KEY-1…'; # lines are comments)."""
    try:
        lines = path.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise BackupError(f"cannot read the identity file {path}: {error}") from None
    identities = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            identities.append(x25519.Identity.from_str(line.strip()))
        except pyrage.IdentityError:
            raise BackupError(f"{path}, line {number}: not an age identity") from None
    if not identities:
        raise BackupError(f"{path} holds no age identity")
    return identities


def new_identity_file() -> tuple[str, str]:
    """(identity file text, its recipient), in the format of ``age-keygen``."""
    identity = x25519.Identity.generate()
    recipient = str(identity.to_public())
    return f"# Hiroba backup key\n# public key: {recipient}\n{identity}\n", recipient


# --- Writing ----------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write(
    destination: Path,
    manifest: dict,
    database: Path,
    *,
    recipients: list[x25519.Recipient],
    compress: bool,
    workdir: Path | None = None,
) -> None:
    """Write the archive to ``destination`` atomically (a ``.part`` file renamed when complete
    and flushed), readable by its owner only. When encrypting, the plain tar is built in
    ``workdir`` (a private temporary directory), so only ciphertext reaches the destination."""
    part = destination.with_name(destination.name + ".part")
    plain = (workdir or part.parent) / (part.name + ".tar") if recipients else part
    try:
        with private_file(plain) as handle:
            _write_tar(handle, manifest, database, compress=compress)
        if recipients:
            with plain.open("rb") as source, private_file(part) as target:
                pyrage.encrypt_io(source, target, recipients)
            plain.unlink()
        with part.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(part, destination)
        _fsync_directory(destination.parent)
    finally:
        for leftover in {part, plain}:
            leftover.unlink(missing_ok=True)


def _write_tar(handle, manifest: dict, database: Path, *, compress: bool) -> None:
    encoded = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    with tarfile.open(fileobj=handle, mode="w:gz" if compress else "w") as archive:
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(encoded), 0o600, int(os.path.getmtime(database))
        archive.addfile(info, io.BytesIO(encoded))
        info = archive.gettarinfo(str(database), arcname=ENGINES[manifest["engine"]])
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        with database.open("rb") as content:
            archive.addfile(info, content)


def private_file(path: Path):
    """A new file for writing bytes, readable by its owner only; FileExistsError if present."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- Reading ----------------------------------------------------------------------------------


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(AGE_MAGIC)) == AGE_MAGIC


def read(path: Path, workdir: Path, *, identities: list | None) -> tuple[dict, Path]:
    """Decrypt (if need be) and unpack the backup into ``workdir``; check the manifest and the
    database file's hash. Only the two expected members are read, by name, so a crafted archive
    cannot write anywhere else."""
    if not path.is_file():
        raise BackupError(f"no such file: {path}")
    if is_encrypted(path):
        if not identities:
            raise BackupError("the backup is encrypted: give the identity file (--identity)")
        plain = workdir / "backup.tar"
        try:
            with path.open("rb") as source, plain.open("wb") as target:
                pyrage.decrypt_io(source, target, identities)
        except pyrage.DecryptError as error:
            raise BackupError(
                f"cannot decrypt the backup ({error}): another key, or a damaged file"
            ) from None
        path = plain
    try:
        with tarfile.open(path, mode="r:*") as archive:
            manifest = _read_manifest(archive)
            database = workdir / ENGINES[manifest["engine"]]
            _extract(archive, ENGINES[manifest["engine"]], database)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"not a readable Hiroba backup: {error}") from None
    if sha256_of(database) != manifest["database_sha256"]:
        raise BackupError("the database in the backup is damaged (its hash does not match)")
    return manifest, database


def _read_manifest(archive: tarfile.TarFile) -> dict:
    member = _member(archive, MANIFEST)
    try:
        manifest = json.loads(archive.extractfile(member).read())
    except ValueError:
        raise BackupError("the backup's manifest is not valid JSON") from None
    if not isinstance(manifest, dict):
        raise BackupError("the backup's manifest is not a JSON object")
    missing = [key for key in REQUIRED_KEYS if key not in manifest]
    if missing:
        raise BackupError(f"the backup's manifest lacks {', '.join(missing)}")
    if manifest["format"] != FORMAT:
        raise BackupError(f"unknown backup format {manifest['format']!r} (this reads {FORMAT})")
    if manifest["engine"] not in ENGINES:
        raise BackupError(f"unknown database engine {manifest['engine']!r} in the backup")
    return manifest


def _member(archive: tarfile.TarFile, name: str) -> tarfile.TarInfo:
    try:
        member = archive.getmember(name)
    except KeyError:
        raise BackupError(f"the backup has no {name}") from None
    if not member.isfile():
        raise BackupError(f"{name} in the backup is not a regular file")
    return member


def _extract(archive: tarfile.TarFile, name: str, target: Path) -> None:
    source = archive.extractfile(_member(archive, name))
    with private_file(target) as handle:
        shutil.copyfileobj(source, handle, CHUNK)
