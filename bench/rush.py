"""Registration rush (perf-and-safety P1, P2, P4): many families press "apply" for one popular
class the moment it opens; the server must stay correct and answer within seconds.

    uv run python bench/rush.py [--quick] [--engine postgres|sqlite|both]

For each engine: a scratch database (PostgreSQL: ``hiroba_bench_rush`` on the server of
HIROBA_BENCH_POSTGRES_URL / DATABASE_URL / 127.0.0.1, dropped afterwards; SQLite: a temporary
file), migrated, with one hub, a published first-come program of 30 seats with a waiting list,
and families signed in to the portal (a database session each). gunicorn serves the app with
the production settings (sync workers, cores + 1 as docs/deployment.md advises); the generator
plays the TLS proxy.

- **P1 rush** (open loop): N families (2,000 on PostgreSQL, 500 on SQLite; ``--quick`` 300 /
  150) are released evenly over 2 s, each posting ``/programs/<id>/apply/`` with its own
  idempotency key and retrying timeouts, 5xx and 429 with the same key. Latency counts from
  each family's scheduled time. Then the checker (``_rush_check``) compares the database with
  what every family was told.
- **P2 throughput** (closed loop, 64 clients, 10 s; ``--quick`` 3 s): one hot class where every
  request writes an entry (a long waiting list), against two references measured in the same
  run: raw ``pgbench`` same-row UPDATE TPS (32 clients) and the no-database ``/healthz``
  through the same middleware and the same 64-client loop.
- **P4** is the P1 scenario on SQLite: no "database is locked" may reach a family.

Without a reachable PostgreSQL only the SQLite part runs (the figures say so). ``--quick``
keeps every correctness goal, relaxes the latency goals and drops the throughput ratios (CI
runs it next to other jobs). On two cores the generator shares the CPU with gunicorn and the
database: compare ratios, not absolute numbers. The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _rush_http as http  # noqa: E402
import _rush_world as world  # noqa: E402
from _rush_check import check_program  # noqa: E402

CAPACITY = 30
SIZES = {  # (rush families, P2 family pool, P2 seconds)
    ("postgres", False): (2000, 6000, 10),
    ("postgres", True): (300, 1500, 3),
    ("sqlite", False): (500, 6000, 10),
    ("sqlite", True): (150, 1500, 3),
}
WARMUP_FAMILIES = 40


# -- one engine ----------------------------------------------------------------------------------
def run_engine(engine: str, options) -> dict:
    """Everything for one engine, in this process (Django is set up for that engine)."""
    rush_n, pool, seconds = SIZES[(engine, options.quick)]
    rush_n = options.families or rush_n
    seconds = options.seconds or seconds
    server_url = world.postgres_server_url()
    with tempfile.TemporaryDirectory(prefix="hiroba-rush-") as tmp_name:
        tmp = Path(tmp_name)
        env = world.environment(engine, tmp, server_url, options.settings)
        os.environ.clear()
        os.environ.update(env)
        with world.scratch_database(engine, server_url):
            return _run_in_database(engine, options, env, tmp, (rush_n, pool, seconds))


def _run_in_database(engine, options, env, tmp: Path, sizes) -> dict:
    from django.conf import settings  # noqa: PLC0415

    rush_n, pool, seconds = sizes
    started = time.perf_counter()
    world.setup_django()
    hub, venue = world.build_hub()
    rush_program = world.build_program(hub, venue, "離乳食教室（ラッシュ）", CAPACITY)
    hot_program = world.build_program(hub, venue, "両親教室（連続）", CAPACITY)
    warm_program = world.build_program(hub, venue, "ウォームアップ", CAPACITY)
    families = world.build_families(hub, max(rush_n, pool) + WARMUP_FAMILIES)
    if engine == "postgres":
        world.analyse()
    figures = {
        "setup_seconds": round(time.perf_counter() - started, 1),
        "server": _server_figures(engine, options),
    }
    log = tmp / "gunicorn.log"
    server = {
        "workers": options.workers,
        "worker_class": options.worker_class,
        "threads": options.threads,
    }
    with world.gunicorn(env, log, **server) as port:
        site = http.Site("127.0.0.1", port, settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
        asyncio.run(_warm_up(site, warm_program.pk, families[-WARMUP_FAMILIES:]))
        plan = http.RushPlan(rush_program.pk, timeout=options.timeout)
        outcomes = asyncio.run(http.rush(site, plan, families[:rush_n]))
        figures["rush"] = {
            "window_s": plan.window,
            "timeout_per_attempt_s": plan.timeout,
            "max_attempts": plan.attempts,
            **http.rush_figures(outcomes),
        }
        figures["rush"]["server_drained_after_s"] = asyncio.run(http.drained(site))
        figures["rush_check"] = check_program(rush_program.pk, outcomes, CAPACITY)
        figures["throughput"] = _throughput(site, hot_program.pk, families[:pool], seconds)
    figures["server_log"] = world.server_log_figures(log)
    if engine == "postgres":
        figures["throughput"]["pgbench_same_row"] = world.pgbench_same_row(
            env["DATABASE_URL"], tmp, clients=32, seconds=seconds
        )
        _ratios(figures["throughput"])
    if options.history:
        _save_history(Path(options.history), engine, outcomes)
    return figures


async def _warm_up(site, program_id: int, families: list) -> None:
    """Every worker imports the sign-up path and opens its database connection first: a live
    server is warm when a class opens."""
    loop = http.closed_loop(
        site, lambda: site.get("/healthz"), expect=200, clients=8, seconds=0.5, warmup=0
    )
    await loop
    rng = random.Random(1)
    sends = [
        http.Connection(site).send(
            http.apply_request(site, program_id, f, uuid.uuid4().hex, http.csrf_secret(rng))
        )
        for f in families
    ]
    answers = await asyncio.gather(*sends, return_exceptions=True)
    statuses = sorted({getattr(a, "status", type(a).__name__) for a in answers}, key=str)
    print(f"warm-up answers: {statuses}", file=sys.stderr)


def _throughput(site, program_id: int, families: list, seconds: int) -> dict:
    rng = random.Random(2)
    pool = iter(families)

    def next_apply():
        family = next(pool, None)
        if family is None:
            return None
        key, csrf = uuid.uuid4().hex, http.csrf_secret(rng)
        return http.apply_request(site, program_id, family, key, csrf)

    healthz = site.get("/healthz")
    no_db = asyncio.run(
        http.closed_loop(site, itertools.repeat(healthz).__next__, expect=200, seconds=seconds)
    )
    hot = asyncio.run(http.closed_loop(site, next_apply, expect=303, seconds=seconds))
    from hiroba.programs.models import Program  # noqa: PLC0415
    from hiroba.programs.queries import invariant_violations  # noqa: PLC0415

    problems = invariant_violations(Program.objects.get(pk=program_id)).problems
    return {
        "healthz_no_db": no_db.as_dict(),
        "hot_class": {**hot.as_dict(), "invariant_violations": problems},
    }


def _ratios(throughput: dict) -> None:
    hot = throughput["hot_class"]["per_second"]
    tps = throughput["pgbench_same_row"].get("tps")
    fw = throughput["healthz_no_db"]["per_second"]
    throughput["hot_over_pgbench_same_row"] = round(hot / tps, 3) if tps else None
    throughput["hot_over_healthz"] = round(hot / fw, 3) if fw else None


def _server_figures(engine: str, options) -> dict:
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if engine == "postgres" else "SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    return {
        "database": version.split(" on ")[0],
        "gunicorn": f"{options.workers} {options.worker_class} workers"
        + (f" x {options.threads} threads" if options.threads > 1 else ""),
    }


def _save_history(path: Path, engine: str, outcomes: list) -> None:
    """The client-side history, one JSON line per family (for a closer look at a failure)."""
    target = path.with_name(f"{path.stem}-{engine}{path.suffix or '.jsonl'}")
    with target.open("w") as out:
        for o in outcomes:
            row = {
                "client": o.client,
                "household": o.household_id,
                "key": o.key,
                "scheduled": round(o.scheduled, 4),
                "sent": round(o.sent, 4),
                "done": round(o.done, 4),
                "status": o.status,
                "latency_ms": round(o.latency * 1000, 1),
                "location": o.location,
                "attempts": o.attempts,
            }
            out.write(json.dumps(row) + "\n")
    print(f"history: {target}", file=sys.stderr)


# -- both engines, goals -------------------------------------------------------------------------
def _child(engine: str, options) -> dict:
    """Each engine in its own interpreter: Django's settings are fixed once per process."""
    args = [sys.executable, __file__, "--engine", engine, "--part"]
    args += ["--quick"] if options.quick else []
    for name in ("families", "seconds", "history", "timeout"):
        if getattr(options, name):
            args += [f"--{name}", str(getattr(options, name))]
    args += ["--workers", str(options.workers), "--worker-class", options.worker_class]
    args += ["--threads", str(options.threads), "--settings", options.settings]
    done = subprocess.run(args, stdout=subprocess.PIPE, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"error": f"{engine} part failed (exit {done.returncode})"}
    return json.loads(lines[-1])


def _goals(figures: dict, quick: bool) -> list[dict]:
    goals: list[dict] = []

    def goal(name, value, op, target):
        goals.append({"name": name, "value": value, "op": op, "target": target})

    for engine, label, p99 in (("postgres", "PG", 2000), ("sqlite", "SQLite", 1500)):
        part = figures.get(engine, {})
        if "rush_check" not in part:
            if "error" in part:
                goal(f"{label} part ran (1 = yes)", 0, ">=", 1)
            continue
        check, rush = part["rush_check"], part["rush"]
        goal(f"{label} rush p99 from schedule (ms)", rush["latency_from_schedule_ms"]["p99"],
             "<=", 5000 if quick else p99)  # fmt: skip
        if engine == "postgres":
            goal("PG rush resolved (s)", rush["resolved_s"], "<=", 10 if quick else 5)
        for name in ("confirmed", "waitlisted"):
            expected = check[f"expected_{name}"]
            goal(f"{label} {name}", check[name], ">=", expected)
            goal(f"{label} {name}", check[name], "<=", expected)
        goal(f"{label} waiting-list positions 1..n (1 = yes)", int(check["positions_1_to_n"]),
             ">=", 1)  # fmt: skip
        goal(f"{label} invariant violations", len(check["invariant_violations"]), "<=", 0)
        goal(f"{label} acknowledged sign-ups lost", check["lost"], "<=", 0)
        goal(f"{label} duplicate entries", check["duplicates"], "<=", 0)
        goal(f"{label} final 5xx or unanswered", rush["final_5xx_or_none"], "<=", 0)
        if engine == "sqlite":
            goal("SQLite 'database is locked' errors", part["server_log"]["database_is_locked"],
                 "<=", 0)  # fmt: skip
            goal("SQLite 5xx answers (any attempt)", rush["5xx_answers"], "<=", 0)
        hot = part["throughput"]["hot_class"]
        goal(f"{label} hot-class invariant violations", len(hot["invariant_violations"]), "<=", 0)
        if engine == "postgres" and not quick:
            goal("PG hot class / pgbench same-row TPS",
                 part["throughput"]["hot_over_pgbench_same_row"] or 0, ">=", 0.35)  # fmt: skip
            goal("PG hot class / no-DB /healthz", part["throughput"]["hot_over_healthz"] or 0,
                 ">=", 0.25)  # fmt: skip
    return goals


def _engines_compared(figures: dict) -> None:
    """P4: the SQLite hot class as a share of the PostgreSQL one (a figure, not a goal)."""
    try:
        pg = figures["postgres"]["throughput"]["hot_class"]["per_second"]
        lite = figures["sqlite"]["throughput"]["hot_class"]["per_second"]
    except KeyError:
        return
    figures["sqlite_hot_over_postgres_hot"] = round(lite / pg, 3) if pg else None


def _machine() -> dict:
    import django  # noqa: PLC0415

    return {
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "django": django.__version__,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, relaxed latency (CI)")
    parser.add_argument("--engine", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--families", type=int, help="families in the rush")
    parser.add_argument("--seconds", type=int, help="closed-loop and pgbench duration")
    parser.add_argument("--timeout", type=float, default=10.0, help="rush: seconds per attempt")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--settings", default="hiroba.settings.production", help="Django settings for gunicorn"
    )
    parser.add_argument("--history", help="write each family's history to this .jsonl path")
    parser.add_argument("--part", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.part:
        print(json.dumps(run_engine(options.engine, options), ensure_ascii=False))
        return
    figures = {"machine": _machine()}
    engines = ["postgres", "sqlite"] if options.engine == "both" else [options.engine]
    server_url = world.postgres_server_url()
    for engine in engines:
        if engine == "postgres" and not world.postgres_reachable(server_url):
            figures["postgres"] = {"skipped": "PostgreSQL unreachable; SQLite part only"}
            continue
        figures[engine] = _child(engine, options)
    _engines_compared(figures)
    print(
        json.dumps(
            {"name": "rush", "figures": figures, "goals": _goals(figures, options.quick)},
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
