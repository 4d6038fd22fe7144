"""Run every bench/<name>.py (``--quick`` by default) and check the goals each one prints.

    python scripts/run_benchmarks.py [--full] [name ...]

Each benchmark prints one JSON object as its last line:
``{"name": …, "figures": {…}, "goals": [{"name", "value", "op", "target"}]}``.
Exit status 1 when a goal is missed or a benchmark fails.
"""

from __future__ import annotations

import argparse
import json
import operator
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPS = {"<=": operator.le, ">=": operator.ge}


def run(path: Path, quick: bool) -> list[str]:
    args = [sys.executable, str(path)] + (["--quick"] if quick else [])
    started = time.monotonic()
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    # CI has a time budget (.ci/run): each benchmark's share shows where it goes.
    print(f"  {path.stem}: {time.monotonic() - started:.0f} s")
    if done.returncode != 0:
        return [f"{path.name}: failed (exit {done.returncode})\n{done.stderr[-2000:]}"]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    problems = []
    for goal in result["goals"]:
        met = OPS[goal["op"]](goal["value"], goal["target"])
        mark = "ok  " if met else "MISS"
        print(
            f"  {mark} {result['name']}: {goal['name']} = {goal['value']} "
            f"(goal {goal['op']} {goal['target']})"
        )
        if not met:
            problems.append(f"{result['name']}: {goal['name']}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true", help="the full-size runs")
    parser.add_argument("names", nargs="*", help="benchmark names (default: all)")
    options = parser.parse_args()
    # bench/_*.py are helper modules of a benchmark (bench/_rush_http.py …), not benchmarks.
    paths = sorted(p for p in (ROOT / "bench").glob("*.py") if not p.name.startswith("_"))
    if options.names:
        paths = [p for p in paths if p.stem in options.names]
    problems = [problem for path in paths for problem in run(path, not options.full)]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
