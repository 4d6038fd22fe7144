"""Processes for the crash drill (``bench/crash.py``): a private PostgreSQL cluster that may be
killed without touching anybody else's server, and gunicorn's workers found through /proc.

Linux only (the drill reads /proc). As root, the cluster runs as the ``postgres`` user, which
PostgreSQL insists on; as anyone else, as that user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path


def children_of(pid: int) -> list[int]:
    """The live child processes of ``pid`` (from /proc/<pid>/stat: field 4 is the parent)."""
    found = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.split("/")[2]))
    return found


def state_of(pid: int) -> str:
    """The process state letter (R running, S sleeping, D in I/O …), "" once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def kill(pid: int) -> bool:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True


def postgres_binaries() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PrivateCluster:
    """``initdb`` in a temporary directory, started on a free port, killed with SIGKILL (the
    postmaster and every backend, as a crash of the server would) and started again."""

    def __init__(self, binaries: Path, directory: Path, port: int) -> None:
        self.binaries, self.directory, self.port = binaries, directory, port
        self.data = directory / "data"
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        subprocess.run(
            [*self.prefix, *command], check=True, capture_output=True, text=True, timeout=120
        )

    def create(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.prefix:
            shutil.chown(self.directory, "postgres", "postgres")
        initdb = str(self.binaries / "initdb")
        self._run(initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> float:
        """Start and wait until it accepts connections; returns the monotonic time it did."""
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        options += " -c max_connections=100"
        pg_ctl = str(self.binaries / "pg_ctl")
        log = str(self.directory / "server.log")
        self._run(pg_ctl, "-D", str(self.data), "-l", log, "-o", options, "-w", "start")
        return time.monotonic()

    def postmaster(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def crash(self) -> int:
        """SIGKILL to the postmaster and all its processes; returns how many were killed."""
        leader = self.postmaster()
        victims = [leader, *children_of(leader)]
        killed = sum(kill(pid) for pid in victims)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in victims):
            time.sleep(0.05)
        return killed

    def stop(self) -> None:
        pg_ctl = str(self.binaries / "pg_ctl")
        with contextlib.suppress(subprocess.CalledProcessError):  # already down
            self._run(pg_ctl, "-D", str(self.data), "-m", "immediate", "stop")
