#!/usr/bin/env python3
"""Fetch a pinned uv binary from PyPI into .tools/bin/uv (standard library only).

The Makefile runs this when ``uv`` is not on PATH. It downloads the uv wheel for this machine,
checks its sha256 against the digest PyPI publishes, and extracts the ``uv`` binary from it.

    python3 scripts/bootstrap_uv.py [--dest .tools/bin/uv]

``HIROBA_UV_VERSION`` selects another uv version than the pinned one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

UV_VERSION = "0.13.9"
PYPI = "https://pypi.org/pypi/uv"
ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60


class BootstrapError(Exception):
    pass


def fetch_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 (https only)
        return json.load(response)


def release_files(version: str) -> tuple[str, list[dict]]:
    """The release's files and the URL they are relative to, from PyPI's JSON API."""
    url = f"{PYPI}/{version}/json"
    try:
        return url, fetch_json(url)["urls"]
    except urllib.error.HTTPError as exc:
        if exc.code != 404:
            raise
    # Some mirrors and caching proxies only serve the project-level document.
    url = f"{PYPI}/json"
    releases = fetch_json(url).get("releases", {})
    if version not in releases:
        raise BootstrapError(f"uv {version} is not on PyPI (check HIROBA_UV_VERSION)")
    return url, releases[version]


def platform_rank(tag: str) -> int | None:
    """How well a wheel platform tag fits this machine (higher is better), None if it does not."""
    machine = platform.machine().lower()
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)
    if sys.platform == "darwin":
        return _macos_rank(tag, machine)
    if sys.platform.startswith("linux"):
        return _linux_rank(tag, machine)
    return None


def _macos_rank(tag: str, machine: str) -> int | None:
    mac = re.fullmatch(r"macosx_(\d+)_(\d+)_(\w+)", tag)
    here = tuple(int(p) for p in (platform.mac_ver()[0] or "0.0").split(".")[:2])
    wanted = {"aarch64": "arm64"}.get(machine, machine)
    if not mac or here < (int(mac[1]), int(mac[2])) or mac[3] not in (wanted, "universal2"):
        return None
    return 2 if mac[3] == wanted else 1


def _linux_rank(tag: str, machine: str) -> int | None:
    tag = tag.replace("manylinux2014_", "manylinux_2_17_")
    libc, libc_version = platform.libc_ver()
    if libc != "glibc":  # musl (Alpine): libc_ver() knows only glibc
        musl = re.fullmatch(r"musllinux_(\d+)_(\d+)_(\w+)", tag)
        return 1 if musl and musl[3] == machine else None
    many = re.fullmatch(r"manylinux_(\d+)_(\d+)_(\w+)", tag)
    glibc = tuple(int(p) for p in libc_version.split(".")[:2])
    if not many or many[3] != machine or (int(many[1]), int(many[2])) > glibc:
        return None
    return int(many[1]) * 1000 + int(many[2])  # prefer the newest glibc baseline that fits


def choose_wheel(files: list[dict]) -> dict:
    best, best_rank = None, -1
    for info in files:
        name = info["filename"]
        if not name.endswith(".whl"):
            continue
        tags = name[: -len(".whl")].split("-")[-1].split(".")
        ranks = [r for r in map(platform_rank, tags) if r is not None]
        if ranks and max(ranks) > best_rank:
            best, best_rank = info, max(ranks)
    if best is None:
        raise BootstrapError(
            f"PyPI has no uv wheel for this machine ({platform.platform()}); install uv "
            "yourself and put it on PATH, or point the UV variable at it"
        )
    return best


def download(url: str, sha256: str, target: Path) -> None:
    digest = hashlib.sha256()
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response, target.open("wb") as out:  # noqa: S310
        while chunk := response.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != sha256:
        raise BootstrapError(
            f"sha256 mismatch for {url}: PyPI says {sha256}, got {digest.hexdigest()}"
        )


def installed_version(dest: Path) -> str | None:
    if not dest.exists():
        return None
    try:
        out = subprocess.run(  # noqa: S603 (our own binary)
            [str(dest), "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return out.split()[1] if out.startswith("uv ") else None


def bootstrap(version: str, dest: Path) -> None:
    if installed_version(dest) == version:
        print(f"uv {version} already in {dest}")
        return
    base, files = release_files(version)
    wheel = choose_wheel(files)
    url = urllib.parse.urljoin(base, wheel["url"])
    print(f"Downloading {wheel['filename']} ({wheel.get('size', 0) / 1e6:.1f} MB) from PyPI…")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".uv-") as tmp:
        wheel_path = Path(tmp) / wheel["filename"]
        download(url, wheel["digests"]["sha256"], wheel_path)
        member = f"uv-{version}.data/scripts/uv"
        with zipfile.ZipFile(wheel_path) as archive:
            if member not in archive.namelist():
                raise BootstrapError(f"{wheel['filename']} has no {member}")
            binary = Path(tmp) / "uv"
            binary.write_bytes(archive.read(member))
        binary.chmod(0o755)
        os.replace(binary, dest)  # atomic: a concurrent make never runs half a binary
    print(f"Installed uv {installed_version(dest)} to {dest}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=os.environ.get("HIROBA_UV_VERSION") or UV_VERSION)
    parser.add_argument("--dest", type=Path, default=ROOT / ".tools" / "bin" / "uv")
    args = parser.parse_args()
    try:
        bootstrap(args.version, args.dest.absolute())
    except (BootstrapError, OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)  # urllib.error.URLError wraps the real cause
        print(f"bootstrap_uv: could not install uv {args.version}: {reason}", file=sys.stderr)
        print(
            "bootstrap_uv: check the network access to https://pypi.org, or install uv "
            "yourself (https://docs.astral.sh/uv/) and run make again.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
