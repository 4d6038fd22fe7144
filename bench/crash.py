"""Crash drill (issue 9, perf-and-safety R1): sign-ups keep their promises while gunicorn's
workers and the database are killed under load.

    uv run python bench/crash.py [--quick] [--engine postgres|sqlite|both]

For each engine: one hub, a first-come program whose seats are half the families, with a
waiting list, and families signed in to the portal; gunicorn with the production settings
(sync workers, cores + 1). Families (1,500; ``--quick`` 400) are released evenly over the drill
(30 s; ``--quick`` 8 s). Each posts "apply" with its own idempotency key and retries dropped
connections, 5xx and 429 with the same key until it has an answer (or a minute has passed).

- Every 2 s a worker gets SIGKILL, one in the middle of a request when there is one (its state
  in /proc is "running"); gunicorn starts another. Requests cut off that way are counted.
- PostgreSQL: the drill runs on a private cluster (initdb in a temporary directory, on its own
  port), so that at a third of the drill its postmaster and every backend can get SIGKILL; it is
  started again 3 s later and recovers from its WAL. The application is not restarted.
- SQLite (WAL): writers die mid-transaction with their worker; the file must stay sound
  (``PRAGMA integrity_check``) and no "database is locked" may reach a family.

Then the checker of ``bench/rush.py`` compares the database with what every family was told:
no acknowledged sign-up lost, no family twice, counters and waiting list consistent, no entry
nobody asked for. Recovery: seconds from the database accepting connections again to the next
sign-up the application acknowledges (goal ≤ 10 s). The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _crash_procs as procs  # noqa: E402
import _rush_http as http  # noqa: E402
import _rush_world as world  # noqa: E402
from _rush_check import check_program  # noqa: E402

SIZES = {False: (1500, 30.0), True: (400, 8.0)}  # quick → (families, seconds)
# What a client sees when the worker serving it dies: the connection closes without an answer.
CUT_OFF = {"IncompleteReadError", "ConnectionResetError", "ProtocolError", "BrokenPipeError"}
KILL_EVERY = 2.0
DATABASE_DOWN_FOR = 3.0
GIVE_UP_AFTER = 60.0
RECOVERY_GOAL = 10.0


# -- the load ------------------------------------------------------------------------------------
async def _family(site, program_id, family, *, start, offset, rng, successes):
    loop = asyncio.get_running_loop()
    outcome = http.Outcome(family.index, family.household_id, uuid.uuid4().hex, offset)
    raw = http.apply_request(site, program_id, family, outcome.key, http.csrf_secret(rng))
    await asyncio.sleep(max(0.0, start + offset - loop.time()))
    outcome.sent = loop.time() - start
    backoff = 0.1
    while True:
        status, note = None, ""
        try:
            answer = await asyncio.wait_for(http.Connection(site).send(raw), 15)
            status = answer.status
            outcome.location = answer.headers.get("location", "")
            note = answer.headers.get("idempotent-replayed", "")
        except (TimeoutError, OSError, http.ProtocolError, asyncio.IncompleteReadError) as error:
            note = type(error).__name__
        now = loop.time() - start
        outcome.attempts.append((round(now, 3), status, note))
        outcome.status = status
        if status == 303:
            successes.append(time.monotonic())
        if not http.retryable(status) or now - offset > GIVE_UP_AFTER:
            break
        await asyncio.sleep(backoff * rng.uniform(0.5, 1.5))
        backoff = min(backoff * 2, 2.0)
    outcome.done = loop.time() - start
    return outcome


async def _load(site, program_id, families, seconds, successes):
    rng = random.Random(2026)
    loop = asyncio.get_running_loop()
    step = seconds / max(len(families), 1)
    start = loop.time() + 0.2
    tasks = [
        _family(
            site,
            program_id,
            family,
            start=start,
            offset=i * step,
            rng=random.Random(rng.random()),
            successes=successes,
        )
        for i, family in enumerate(families)
    ]
    return list(await asyncio.gather(*tasks))


# -- the killer ----------------------------------------------------------------------------------
class Killer(threading.Thread):
    """SIGKILL to a worker every ``KILL_EVERY`` seconds, preferring one that is running (in the
    middle of a request) over one waiting for the next; once, the database too, from a second
    thread so that workers keep dying while it is down."""

    def __init__(self, master_pid: int, seconds: float, cluster=None) -> None:
        super().__init__(daemon=True)
        self.master_pid, self.seconds, self.cluster = master_pid, seconds, cluster
        self.rng = random.Random(7)
        self.workers_killed = 0
        self.busy_when_killed = 0
        self.database_killed_processes = 0
        self.database_back_at: float | None = None
        self.errors: list[str] = []
        self.crasher = threading.Thread(target=self._crash_database, daemon=True)

    def run(self) -> None:
        if self.cluster is not None:
            self.crasher.start()
        started = time.monotonic()
        while time.monotonic() - started < self.seconds:
            time.sleep(KILL_EVERY)
            try:
                self._kill_a_worker()
            except Exception as error:  # noqa: BLE001 - reported in the figures, not lost
                self.errors.append(f"{type(error).__name__}: {error}")
        if self.cluster is not None:
            self.crasher.join()

    def _kill_a_worker(self) -> None:
        deadline = time.monotonic() + 0.5
        while True:
            workers = procs.children_of(self.master_pid)
            busy = [pid for pid in workers if procs.state_of(pid) in {"R", "D"}]
            if busy or time.monotonic() > deadline:
                break
            time.sleep(0.005)
        victim = self.rng.choice(busy or workers) if workers else None
        if victim is not None and procs.kill(victim):
            self.workers_killed += 1
            self.busy_when_killed += bool(busy)

    def _crash_database(self) -> None:
        try:
            time.sleep(self.seconds / 3)
            self.database_killed_processes = self.cluster.crash()
            time.sleep(DATABASE_DOWN_FOR)
            self.database_back_at = self.cluster.start()
        except Exception as error:  # noqa: BLE001 - reported in the figures, not lost
            self.errors.append(f"{type(error).__name__}: {error}")


# -- one engine ----------------------------------------------------------------------------------
def run_engine(engine: str, options) -> dict:
    families_n, seconds = SIZES[options.quick]
    with tempfile.TemporaryDirectory(prefix="hiroba-crash-") as tmp_name:
        tmp = Path(tmp_name)
        tmp.chmod(0o711)  # the cluster's directory inside is the postgres user's
        cluster = None
        server_url = world.postgres_server_url()
        if engine == "postgres":
            binaries = procs.postgres_binaries()
            if binaries is None:
                return {"skipped": "no PostgreSQL binaries (initdb, pg_ctl) found"}
            cluster = procs.PrivateCluster(binaries, tmp / "cluster", world.free_port())
            cluster.create()
            cluster.start()
            server_url = cluster.url
        try:
            env = world.environment(engine, tmp, server_url, "hiroba.settings.production")
            os.environ.clear()
            os.environ.update(env)
            with world.scratch_database(engine, server_url):
                return _drill(
                    env,
                    tmp,
                    cluster,
                    families_n=families_n,
                    seconds=seconds,
                    workers=options.workers,
                    history=options.history and f"{options.history}-{engine}.jsonl",
                )
        finally:
            if cluster is not None:
                cluster.stop()


def _drill(env, tmp: Path, cluster, *, families_n, seconds, workers, history) -> dict:
    from django.conf import settings  # noqa: PLC0415
    from django.db import connections  # noqa: PLC0415

    world.setup_django()
    hub, venue = world.build_hub()
    capacity = families_n // 2
    program = world.build_program(hub, venue, "離乳食教室（クラッシュ）", capacity)
    families = world.build_families(hub, families_n)
    connections.close_all()  # this process must not hold a connection through the crash
    log = tmp / "gunicorn.log"
    with world.gunicorn(env, log, workers=workers, worker_class="sync", threads=1) as port:
        site = http.Site("127.0.0.1", port, settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
        master = _gunicorn_master(port)
        killer = Killer(master, seconds, cluster)
        successes: list[float] = []
        killer.start()
        outcomes = asyncio.run(_load(site, program.pk, families, seconds, successes))
        killer.join()
        drained = asyncio.run(http.drained(site, limit=120))
    figures = {
        "families": families_n,
        "seats": capacity,
        "drill_seconds": seconds,
        "workers": workers,
        "workers_killed": killer.workers_killed,
        "workers_killed_while_busy": killer.busy_when_killed,
        "requests_cut_off": sum(
            status is None and note in CUT_OFF for o in outcomes for _at, status, note in o.attempts
        ),
        "killer_errors": killer.errors,
        "unanswered_families": sum(http.retryable(o.status) for o in outcomes),
        "attempts": sum(len(o.attempts) for o in outcomes),
        "replayed_answers": sum(a[2] == "true" for o in outcomes for a in o.attempts),
        "server_drained_after_s": drained,
        "server_log": world.server_log_figures(log),
    }
    if cluster is not None:
        figures["database_processes_killed"] = killer.database_killed_processes
        back = killer.database_back_at
        after = [t for t in successes if back is not None and t >= back]
        figures["recovery_s"] = round(after[0] - back, 2) if after else None
    else:
        figures["integrity_check"] = _sqlite_integrity(env["HIROBA_SQLITE_PATH"])
    figures["check"] = check_program(program.pk, outcomes, capacity)
    if history:
        _save_history(Path(history), outcomes)
    return figures


def _save_history(path: Path, outcomes: list) -> None:
    """Every family's attempts, one JSON line each, for a closer look at a failure."""
    with path.open("w") as out:
        for o in outcomes:
            row = {"household": o.household_id, "key": o.key, "status": o.status}
            out.write(json.dumps({**row, "attempts": o.attempts}) + "\n")


def _gunicorn_master(port: int) -> int:
    """The gunicorn master serving ``port``: the parent of the worker processes, found as the
    process whose command line names the port."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            parts = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"gunicorn" in b" ".join(parts) and f"127.0.0.1:{port}".encode() in parts:
            return int(cmdline.parent.name)
    raise RuntimeError("gunicorn master not found")


def _sqlite_integrity(path: str) -> str:
    import sqlite3  # noqa: PLC0415

    database = sqlite3.connect(path)
    try:
        return database.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        database.close()


# -- both engines, goals -------------------------------------------------------------------------
def _child(engine: str, options) -> dict:
    """Each engine in its own interpreter: Django's settings are fixed once per process."""
    args = [sys.executable, __file__, "--engine", engine, "--part", "--workers"]
    args += [str(options.workers), *(["--quick"] if options.quick else [])]
    args += ["--history", options.history] if options.history else []
    done = subprocess.run(args, stdout=subprocess.PIPE, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"error": f"{engine} part failed (exit {done.returncode})"}
    return json.loads(lines[-1])


def _goals(figures: dict) -> list[dict]:
    goals = []
    for engine, part in figures.items():
        if "skipped" in part:
            continue
        check = part.get("check", {})
        label = "PostgreSQL" if engine == "postgres" else "SQLite"

        def goal(name, value, op, target, label=label):
            goals.append({"name": f"{label} {name}", "value": value, "op": op, "target": target})

        goal("part ran", int("error" not in part and not part.get("killer_errors")), ">=", 1)
        goal("acknowledged sign-ups lost", check.get("lost", 1), "<=", 0)
        goal("families entered twice", check.get("duplicates", 1), "<=", 0)
        goal("invariant violations", len(check.get("invariant_violations", [1])), "<=", 0)
        goal("entries nobody asked for", check.get("entries_never_attempted", 1), "<=", 0)
        goal("families left without an answer", part.get("unanswered_families", 1), "<=", 0)
        goal("workers killed", part.get("workers_killed", 0), ">=", 3)
        goal("requests cut off by a kill", part.get("requests_cut_off", 0), ">=", 1)
        if engine == "postgres":
            recovery = part.get("recovery_s")
            goal("database processes killed", part.get("database_processes_killed", 0), ">=", 1)
            goal("seconds to answer after the database is back", recovery or 999, "<=", 10)
        else:
            goal("integrity check ok", int(part.get("integrity_check") == "ok"), ">=", 1)
            locked = part.get("server_log", {}).get("database_is_locked", 1)
            goal("'database is locked' errors", locked, "<=", 0)
    return goals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smaller drill (CI)")
    parser.add_argument("--engine", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--history", help="write each family's attempts to <this>-<engine>.jsonl")
    parser.add_argument("--part", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.part:
        print(json.dumps(run_engine(options.engine, options), ensure_ascii=False))
        return
    engines = ["postgres", "sqlite"] if options.engine == "both" else [options.engine]
    figures = {engine: _child(engine, options) for engine in engines}
    print(json.dumps({"name": "crash", "figures": figures, "goals": _goals(figures)}))


if __name__ == "__main__":
    main()
