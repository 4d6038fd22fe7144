"""Visit statistics at ward scale: the fiscal-year report and the ten-year trend on 10 million
visit rows (27 venues × 10 fiscal years), against a raw scan of the visits table.

    uv run python bench/visits_report.py [--quick] [--rows N] [--keep]

The data set comes from the demo generator (the steps of ``manage.py seed_demo --scale N``,
with N from ``visits.demo.scale_for_visits``), written to a fresh SQLite file, or, when
DATABASE_URL is set, to a throwaway PostgreSQL database created next to the configured one
(Django's test-database machinery; dropped afterwards). Then, best of a few runs each:

- the fiscal-year report (年報) of the demo ward for the last complete fiscal year: month ×
  age band, groups and distinct families, by venue, district and day type
  (``reports.yearly_report``, what the page and the export compute);
- the ten-year trend of the ward (``reports.trend_report``);
- a raw full scan of the visits table (SUM of every count column), measured in the same run.

Goals: each report ≤ 3 × the raw scan, and ≤ 3 s on SQLite, ≤ 1 s on PostgreSQL. ``--quick``
builds about 200,000 rows. The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL_ROWS = 10_000_000
QUICK_ROWS = 200_000
SCAN_SQL = (
    "SELECT COUNT(*), SUM(pairs), SUM(adults), SUM(fathers), SUM(grandparents), SUM(pregnant), "
    "SUM(children_0), SUM(children_1), SUM(children_2), SUM(children_3), SUM(first_visits) "
    "FROM visits_visit"
)


def _environment(tmp: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "hiroba.settings.dev"
    os.environ["HIROBA_DEBUG"] = "0"  # no query log: measure what production runs
    os.environ.setdefault("HIROBA_SECRET_KEY", secrets.token_urlsafe(40))
    os.environ["HIROBA_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
    sys.path.insert(0, str(ROOT))


def _best(func, runs: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - started)
    return best, result


def _database():
    """(vendor, cleanup) after making an empty, migrated database."""
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    if connection.vendor == "postgresql":
        # A database of its own, never the one DATABASE_URL names nor the tests' one.
        configured = connection.settings_dict["NAME"]
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{configured}_bench_visits"
        name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        print(f"PostgreSQL database {name}", file=sys.stderr)
        return "postgresql", lambda: connection.creation.destroy_test_db(configured, verbosity=0)
    call_command("migrate", verbosity=0)
    return connection.vendor, lambda: None


def _seed(rows: int) -> dict:
    from django.conf import settings  # noqa: PLC0415
    from django.db import transaction  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from hiroba.core import demodata  # noqa: PLC0415
    from hiroba.visits.demo import plan_for, scale_for_visits  # noqa: PLC0415

    today = timezone.localdate()
    scale = scale_for_visits(rows, today)
    ctx = demodata.DemoContext(
        seed=2026,
        scale=scale,
        today=today,
        password=settings.DEMO_PASSWORD,
        log=lambda line: print(line, file=sys.stderr),
    )
    started = time.perf_counter()
    with transaction.atomic():  # as seed_demo does
        for step in demodata.steps():
            step.func(ctx)
    plan = plan_for(scale, today)
    return {
        "scale": scale,
        "seconds": round(time.perf_counter() - started, 1),
        "venues": 6 + plan.extra_venues,
        "since": plan.first_day.isoformat(),
        "ward": ctx.shared["ward"].pk,
    }


def _measure(ward_id: int, runs: int) -> dict:
    from django.db import connection  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from hiroba.core.models import Ward  # noqa: PLC0415
    from hiroba.lib.fiscal import fiscal_year_of  # noqa: PLC0415
    from hiroba.visits import reports  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum (PostgreSQL) or PRAGMA optimize keep up
    scope = reports.ward_scope(Ward.objects.select_related("municipality").get(pk=ward_id))
    current = fiscal_year_of(timezone.localdate())

    def scan():
        with connection.cursor() as cursor:
            cursor.execute(SCAN_SQL)
            return cursor.fetchone()

    scan_s, totals = _best(scan, runs)
    yearly_s, yearly = _best(lambda: reports.yearly_report(scope, current - 1), runs)
    trend_s, trend = _best(lambda: reports.trend_report(scope, current), runs)
    scan_again, _ = _best(scan, runs)  # the scan before and after: the same warm cache
    scan_s = min(scan_s, scan_again)
    # The rollup must agree with the raw rows: every visit of the data set is in the ward
    # and inside the ten fiscal years.
    consistent = (
        sum(y.figures.visits for y in trend) == totals[0]
        and sum(y.figures.pairs for y in trend) == totals[1]
        and sum(y.figures.children_0 for y in trend) == totals[6]
    )
    return {
        "rows": totals[0],
        "scan_seconds": round(scan_s, 4),
        "yearly_seconds": round(yearly_s, 4),
        "trend_seconds": round(trend_s, 4),
        "yearly_ratio": round(yearly_s / scan_s, 4),
        "trend_ratio": round(trend_s / scan_s, 4),
        "yearly_families": yearly.total.families,
        "yearly_groups": yearly.total.pairs,
        "rollup_matches_raw_rows": consistent,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help=f"about {QUICK_ROWS:,} rows")
    parser.add_argument("--rows", type=int, help="visit rows to build (default 10,000,000)")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    options = parser.parse_args()
    rows = options.rows or (QUICK_ROWS if options.quick else FULL_ROWS)
    tmp = tempfile.mkdtemp(prefix="hiroba-bench-")
    _environment(tmp)
    import django  # noqa: PLC0415

    django.setup()
    vendor, cleanup = _database()
    try:
        data = _seed(rows)
        figures = _measure(data.pop("ward"), runs=3 if rows > 1_000_000 else 5)
    finally:
        cleanup()
        if options.keep:
            print(f"kept {os.environ['HIROBA_SQLITE_PATH']}", file=sys.stderr)
        else:
            for path in Path(tmp).glob("*"):
                path.unlink()
            Path(tmp).rmdir()
    limit = 1.0 if vendor == "postgresql" else 3.0
    print(
        json.dumps(
            {
                "name": "visits_report",
                "figures": {"database": vendor, "generation": data, **figures},
                "goals": [
                    goal
                    for kind in ("yearly", "trend")
                    for goal in (
                        {
                            "name": f"{kind} report, seconds",
                            "value": figures[f"{kind}_seconds"],
                            "op": "<=",
                            "target": limit,
                        },
                        {
                            "name": f"{kind} report / raw scan",
                            "value": figures[f"{kind}_ratio"],
                            "op": "<=",
                            "target": 3.0,
                        },
                    )
                ]
                + [
                    {
                        "name": "rollup equals the raw rows (1 = yes)",
                        "value": int(figures["rollup_matches_raw_rows"]),
                        "op": ">=",
                        "target": 1,
                    }
                ],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
