"""Demo data at scale: seeding time per scale step and peak memory must not grow with --scale.

    uv run python bench/seed_demo.py [--quick]

Each size runs ``manage.py seed_demo --scale N`` in its own process on a fresh SQLite file and
reads the process's peak memory (ru_maxrss). The reference is the smallest size measured in the
same run, so the goals are ratios: later apps add families and visits to the same registry,
and the batching (``core.demodata.bulk_create_batched``) must keep memory flat.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(scale: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "HIROBA_SQLITE_PATH": str(Path(tmp) / "bench.sqlite3"),
            "DJANGO_SETTINGS_MODULE": "hiroba.settings.dev",
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        # A fresh interpreter per measured seed, so ru_maxrss is this seed's own peak.
        code = (
            "import os, resource, subprocess, sys, time;"
            "t=time.perf_counter();"
            f"subprocess.run([sys.executable,'manage.py','seed_demo','--scale','{scale}',"
            "'--quiet-logins'],check=True,stdout=subprocess.DEVNULL);"
            "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
    seconds, peak_kb = float(out[0]), int(out[1])
    return {
        "scale": scale,
        "seconds": round(seconds, 3),
        "peak_kb": peak_kb,
        "seconds_per_scale_step": round(seconds / scale, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI")
    quick = parser.parse_args().quick
    small, large = (1, 4) if quick else (1, 18)  # 18 = every ward of Yokohama
    reference, big = measure(small), measure(large)
    memory_ratio = big["peak_kb"] / reference["peak_kb"]
    # Start-up (Django, migrations check) dominates small runs, so compare whole runs: the large
    # one may not cost more than `large` times the small one.
    time_ratio = big["seconds"] / (reference["seconds"] * large)
    print(
        json.dumps(
            {
                "name": "seed_demo",
                "figures": {"reference": reference, "large": big},
                "goals": [
                    {
                        "name": "peak memory, large / small",
                        "value": round(memory_ratio, 3),
                        "op": "<=",
                        "target": 1.5,
                    },
                    {
                        "name": "time, large / (small x scale)",
                        "value": round(time_ratio, 3),
                        "op": "<=",
                        "target": 1.0,
                    },
                ],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
