"""The world of ``bench/rush.py``: a scratch database, the hub with its programs, the families
with their signed-in sessions, the gunicorn server and the pgbench reference.

The benchmark process and gunicorn share one environment (``environment``): production
settings, the same SECRET_KEY (sessions are signed with it), the scratch database. Production
settings expect a TLS proxy in front; the generator plays the proxy and sends
``X-Forwarded-Proto: https``, so HTTPS redirect, secure cookies and HSTS stay on as deployed.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

from _common import build_hub  # noqa: F401 (rush.py calls world.build_hub)
from _rush_http import Family

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "hiroba_bench_rush"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


# -- environment and databases -------------------------------------------------------------------
def postgres_server_url() -> str:
    """The server to make the scratch database on: HIROBA_BENCH_POSTGRES_URL, else a
    PostgreSQL DATABASE_URL, else the local default of the Makefile."""
    url = os.environ.get("HIROBA_BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_POSTGRES


def postgres_reachable(url: str) -> bool:
    from urllib.parse import urlsplit  # noqa: PLC0415

    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 2):
            return True
    except OSError:
        return False


def environment(engine: str, tmp: Path, server_url: str, settings: str) -> dict[str, str]:
    """Variables for production settings against the scratch database (also set in this
    process, which builds the data and checks it with the same settings)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("HIROBA_") and key != "DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": settings,
            "HIROBA_SECRET_KEY": secrets.token_urlsafe(48),
            "HIROBA_FIELD_KEYS": f"bench={base64.b64encode(secrets.token_bytes(32)).decode()}",
            "HIROBA_ALLOWED_HOSTS": "localhost,127.0.0.1",
            "HIROBA_STATIC_ROOT": str(tmp / "static"),
            "HIROBA_VAR_DIR": str(tmp),
            "HIROBA_LOG_LEVEL": "WARNING",
            # Messages are built (templates, calendar file) but not sent anywhere.
            "HIROBA_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
    )
    if engine == "postgres":
        env["DATABASE_URL"] = server_url.rsplit("/", 1)[0] + "/" + BENCH_DATABASE
    else:
        env["HIROBA_SQLITE_PATH"] = str(tmp / "rush.sqlite3")
    return env


def _admin(server_url: str, sql: str) -> None:
    import dj_database_url  # noqa: PLC0415
    import psycopg  # noqa: PLC0415

    config = dj_database_url.parse(server_url)
    with psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(sql)


@contextlib.contextmanager
def scratch_database(engine: str, server_url: str):
    """A fresh PostgreSQL database, dropped afterwards (SQLite: the file in the temp dir)."""
    if engine != "postgres":
        yield
        return
    _admin(server_url, f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
    _admin(server_url, f'CREATE DATABASE "{BENCH_DATABASE}"')
    try:
        yield
    finally:
        from django.db import connections  # noqa: PLC0415

        connections.close_all()
        _admin(server_url, f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


def setup_django() -> None:
    import django  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415

    sys.path.insert(0, str(ROOT))
    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


# -- the hub, the programs and the families ------------------------------------------------------
def build_program(hub, venue, title: str, capacity: int):
    """A published first-come program with a waiting list, two weeks ahead, through the
    services (so counters, the session span and the audit rows are as in real use)."""
    from django.utils import timezone  # noqa: PLC0415

    from hiroba.programs import services  # noqa: PLC0415

    values = {
        "title": title,
        "category": "class",
        "venue": venue,
        "capacity_families": capacity,
        "signup_mode": "first_come",
        "has_waitlist": True,
    }
    program = services.create_program(hub, values, actor=None)
    starts = (timezone.now() + timedelta(days=14)).replace(minute=0, second=0, microsecond=0)
    services.add_session(program, starts, starts + timedelta(hours=2), actor=None)
    return services.publish_program(program, actor=None)


def build_families(hub, count: int, batch: int = 2000) -> list:
    """``count`` registered families (a mother with an e-mail address and a one-year-old), each
    with a parent's session signed in to the portal. Bulk inserts: the registry service would
    take minutes, and what is measured is sign-up, not registration."""
    from django.utils import timezone  # noqa: PLC0415

    from hiroba.families.models import Household  # noqa: PLC0415

    families = []
    for start in range(0, count, batch):
        size = min(batch, count - start)
        households = Household.objects.bulk_create(
            [
                Household(
                    hub=hub,
                    card_number=f"R{start + i + 1:06d}",
                    card_token=secrets.token_hex(16),
                    status="active",
                    registered_on=timezone.localdate() - timedelta(days=30),
                )
                for i in range(size)
            ]
        )
        members = _members(households)
        sessions = _sessions(households, members)
        families += [
            Family(start + i, h.pk, [m.pk for m in members[h.pk]], sessions[h.pk])
            for i, h in enumerate(households)
        ]
    return families


def _members(households) -> dict[int, list]:
    from django.utils import timezone  # noqa: PLC0415

    from hiroba.families.models import Member  # noqa: PLC0415
    from hiroba.lib.kana import kana_search_key  # noqa: PLC0415

    born = timezone.localdate() - timedelta(days=400)
    rows = []
    for h in households:
        common = {"household": h, "family_name": "山田", "family_name_kana": "ヤマダ"}
        rows.append(
            Member(
                **common,
                kind="caregiver",
                relation="mother",
                given_name="花子",
                given_name_kana="ハナコ",
                search_key=kana_search_key("ヤマダハナコ"),
                given_search_key=kana_search_key("ハナコ"),
                email=f"family{h.pk}@example.jp",
                is_primary_contact=True,
                sort_order=0,
            )
        )
        rows.append(
            Member(
                **common,
                kind="child",
                given_name="蓮",
                given_name_kana="レン",
                search_key=kana_search_key("ヤマダレン"),
                given_search_key=kana_search_key("レン"),
                birth_date=born,
                birth_order=1,
                sort_order=2,
            )
        )
    created = Member.objects.bulk_create(rows, batch_size=2000)
    by_household: dict[int, list] = {}
    for member in created:
        by_household.setdefault(member.household_id, []).append(member)
    return by_household


def _sessions(households, members: dict[int, list]) -> dict[int, str]:
    """A signed-in parent per family: a database session holding the portal's keys."""
    from django.conf import settings  # noqa: PLC0415
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS  # noqa: PLC0415
    from django.contrib.sessions.backends.db import SessionStore  # noqa: PLC0415
    from django.contrib.sessions.models import Session  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415
    from django.utils.crypto import get_random_string  # noqa: PLC0415

    store = SessionStore()
    expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    keys, rows = {}, []
    for h in households:
        key = get_random_string(32, VALID_KEY_CHARS)  # the store's own key format
        data = {"portal_household_id": h.pk, "portal_member_id": members[h.pk][0].pk}
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        keys[h.pk] = key
    Session.objects.bulk_create(rows, batch_size=2000)
    return keys


def analyse() -> None:
    """Planner statistics after the bulk load (autovacuum would catch up on a live server)."""
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# -- gunicorn ------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log: Path, *, workers: int, worker_class: str, threads: int):
    """gunicorn on a free loopback port with the production settings; yields the port."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "hiroba.wsgi",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", worker_class,
        "--threads", str(threads),
        "--backlog", "4096",
        "--timeout", "60",
        "--log-level", "warning",
        "--no-control-socket",
    ]  # fmt: skip
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_ready(port, server)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_ready(port: int, server: subprocess.Popen, limit: float = 60.0) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={"Host": "localhost", "X-Forwarded-Proto": "https"},
    )
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(request, timeout=2) as answer:  # noqa: S310 - loopback
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz within a minute")


def server_log_figures(log: Path) -> dict:
    text = log.read_text(errors="replace") if log.exists() else ""
    first = text.find("Traceback (most recent call last)")
    if first >= 0:  # the first error in full, for whoever reads the run's output
        print(
            "gunicorn log, first error:\n" + text[max(0, first - 300) : first + 3000],
            file=sys.stderr,
        )
    return {
        "database_is_locked": text.count("database is locked"),
        "tracebacks": text.count("Traceback (most recent call last)"),
        "lock_timeouts": text.count("lock timeout"),
        "worker_timeouts": text.count("WORKER TIMEOUT"),
    }


# -- the pgbench reference -----------------------------------------------------------------------
def pgbench_binary() -> str | None:
    for candidate in [
        *(Path(p) / "pgbench" for p in os.environ.get("PATH", "").split(os.pathsep) if p),
        *sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"), reverse=True),
    ]:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def pgbench_same_row(database_url: str, tmp: Path, *, clients: int, seconds: int) -> dict:
    """Raw same-row UPDATE TPS (one capacity counter, what a hot class contends on)."""
    import dj_database_url  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    binary = pgbench_binary()
    if binary is None:
        return {"error": "pgbench not found"}
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_hot (id integer PRIMARY KEY, n bigint NOT NULL)")
        cursor.execute("INSERT INTO bench_hot VALUES (1, 0)")
    script = tmp / "upd_hot.sql"
    script.write_text("UPDATE bench_hot SET n = n + 1 WHERE id = 1;\n")
    config = dj_database_url.parse(database_url)
    command = [
        binary, "-n", "-f", str(script),
        "-c", str(clients), "-j", "2", "-T", str(seconds),
        "-h", config["HOST"] or "127.0.0.1", "-p", str(config["PORT"] or 5432),
        "-U", config["USER"] or "postgres", config["NAME"],
    ]  # fmt: skip
    env = {**os.environ, "PGPASSWORD": config["PASSWORD"] or ""}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    found = re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout)
    if done.returncode != 0 or not found:
        return {"error": (done.stderr or done.stdout)[-500:]}
    latency = re.search(r"latency average = ([\d.]+) ms", done.stdout)
    return {
        "clients": clients,
        "seconds": seconds,
        "tps": float(found.group(1)),
        "latency_avg_ms": float(latency.group(1)) if latency else None,
    }
