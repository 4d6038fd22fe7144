"""The parent portal under a crowd (issue 7): with the page cache on, the portal's home and
program list under 64 concurrent clients reach at least half the throughput of a no-database
Django endpoint (``/healthz``) measured in the same run.

    uv run python bench/portal.py [--quick] [--seconds N] [--workers N]

A scratch SQLite database (a temporary file) is migrated and filled like a busy ward: three
hubs, 40 upcoming programs with their sessions, 60 news items (some with a photo) and 200
places in the directory. gunicorn serves it with the production settings (sync workers,
cores + 1) and the generator plays the TLS proxy, as in ``bench/rush.py``. The closed loop
(64 clients, 10 s; ``--quick`` 3 s) runs ``/healthz`` first (the reference: same middleware,
no database, no template), then the home page and the program list as anonymous parents. As
figures, not goals: the same pages for a signed-in family (a session cookie: never cached)
and the home page in やさしい日本語 (furigana added to every answer).

On two cores the generator shares the CPU with gunicorn: compare ratios, not absolute numbers.
The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _rush_http as http  # noqa: E402
import _rush_world as world  # noqa: E402

GOAL_RATIO = 0.5
CLIENTS = 64


def _build_ward() -> dict:
    """Three hubs of one ward with what their portal pages show."""
    from datetime import timedelta  # noqa: PLC0415

    from django.utils import timezone  # noqa: PLC0415

    from hiroba.core.models import Hub  # noqa: PLC0415
    from hiroba.directory.models import Resource  # noqa: PLC0415
    from hiroba.news.models import NewsItem  # noqa: PLC0415

    hub, venue = world.build_hub()
    hubs = [hub] + [
        Hub.objects.create(
            ward=hub.ward,
            operator=hub.operator,
            name=f"ベンチ拠点{n}",
            contract_start_fiscal_year=2023,
        )
        for n in (2, 3)
    ]
    for n in range(40):
        world.build_program(hub, venue, f"講座{n + 1}（離乳食・父親の会・0歳の集い）", 20)
    now = timezone.now()
    NewsItem.objects.bulk_create(
        NewsItem(
            hub=hubs[n % 3],
            category="notice" if n % 2 else "event",
            title=f"お知らせ{n + 1}：年末年始の休館と1月の講座について",
            body="12月29日から1月3日まで休館します。1月の講座の申込みは1月6日からです。" * 3,
            publish_at=now - timedelta(hours=n + 1),
            status="published",
            is_pinned=n == 0,
        )
        for n in range(60)
    )
    Resource.objects.bulk_create(
        Resource(
            hub=hub,
            category=["park", "circle", "baby_station", "medical"][n % 4],
            name=f"場所{n + 1}",
            address=f"横浜市港北区大豆戸町{n + 1}",
            latitude=35.5 + n / 10000,
            longitude=139.6 + n / 10000,
            verified_on=timezone.localdate(),
        )
        for n in range(200)
    )
    return {"hubs": len(hubs), "programs": 40, "news": 60, "places": 200}


def _signed_in_cookie(site, hub) -> str:
    """A family's session, as a signed-in parent's browser carries it."""
    families = world.build_families(hub, 1)
    return f"{site.session_cookie}={families[0].session_key}"


def _loop(site, raw: bytes, seconds: float) -> dict:
    result = asyncio.run(
        http.closed_loop(
            site, itertools.repeat(raw).__next__, expect=200, clients=CLIENTS, seconds=seconds
        )
    )
    return result.as_dict()


def _get(site, path: str, cookie: str = "") -> bytes:
    raw = site.get(path)
    if cookie:
        raw = raw.replace(b"\r\n\r\n", f"\r\nCookie: {cookie}\r\n\r\n".encode("latin-1"), 1)
    return raw


def _measure(site, seconds: float, family_cookie: str) -> dict:
    runs = {
        "healthz_no_db": _get(site, "/healthz"),
        "home": _get(site, "/"),
        "programs": _get(site, "/programs/"),
        "home_signed_in": _get(site, "/", family_cookie),
        "programs_signed_in": _get(site, "/programs/", family_cookie),
        "home_easy_japanese": _get(site, "/", "hiroba_language=ja-easy"),
    }
    return {name: _loop(site, raw, seconds) for name, raw in runs.items()}


def run(options) -> dict:
    from django.conf import settings  # noqa: PLC0415

    seconds = options.seconds or (3 if options.quick else 10)
    with tempfile.TemporaryDirectory(prefix="hiroba-portal-") as tmp_name:
        tmp = Path(tmp_name)
        env = world.environment("sqlite", tmp, "", "hiroba.settings.production")
        os.environ.clear()
        os.environ.update(env)
        started = time.perf_counter()
        world.setup_django()
        sizes = _build_ward()
        from hiroba.core.models import Hub  # noqa: PLC0415

        figures = {"data": sizes, "setup_seconds": round(time.perf_counter() - started, 1)}
        server = {"workers": options.workers, "worker_class": "sync", "threads": 1}
        with world.gunicorn(env, tmp / "gunicorn.log", **server) as port:
            site = http.Site("127.0.0.1", port, settings.SESSION_COOKIE_NAME, "csrftoken")
            cookie = _signed_in_cookie(site, Hub.objects.order_by("pk").first())
            figures["server"] = {**server, "clients": CLIENTS, "seconds": seconds}
            figures["loops"] = _measure(site, seconds, cookie)
        figures["server_log"] = world.server_log_figures(tmp / "gunicorn.log")
    return figures


def _ratio(figures: dict, name: str) -> float:
    reference = figures["loops"]["healthz_no_db"]["per_second"]
    return round(figures["loops"][name]["per_second"] / reference, 3) if reference else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3-second loops (CI)")
    parser.add_argument("--seconds", type=int, help="length of each closed loop")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    options = parser.parse_args()
    figures = run(options)
    for name in ("home", "programs", "home_signed_in", "programs_signed_in", "home_easy_japanese"):
        figures[f"{name}_over_healthz"] = _ratio(figures, name)
    errors = sum(loop["errors"] for loop in figures["loops"].values())
    goals = [
        {
            "name": "home / no-DB endpoint throughput (64 clients, cache on)",
            "value": figures["home_over_healthz"],
            "op": ">=",
            "target": GOAL_RATIO,
        },
        {
            "name": "program list / no-DB endpoint throughput (64 clients, cache on)",
            "value": figures["programs_over_healthz"],
            "op": ">=",
            "target": GOAL_RATIO,
        },
        {"name": "failed or unexpected answers", "value": errors, "op": "<=", "target": 0},
    ]
    print(json.dumps({"name": "portal", "figures": figures, "goals": goals}, ensure_ascii=False))


if __name__ == "__main__":
    main()
