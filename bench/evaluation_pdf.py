"""The annual evaluation's PDF: how long a hub waits for its sheet, figures included.

    uv run python bench/evaluation_pdf.py [--quick]

Builds the demo world (``seed_demo`` steps, scale 1 for --quick and 4 for the full run: a year
and more of visits, programs, consultations, 子サポ), then makes the current year's sheet long
(5 key goals × 3 sections × 12 bullets, two embedded indicators per goal, and next year's goals)
and times, best of a few runs:

- a draft: the document built from the database with every figure computed for the year and
  the year before, then typeset (what the staff's PDF button does);
- a published sheet: typesetting the frozen document (what the public page's PDF does);
- the reference, measured in the same run: typesetting a one-line page with the same fonts,
  the floor under any PDF the app makes.

Goals (issue 8): a sheet's PDF in under 2 seconds, draft and published; and the draft within
12 × the one-line reference, so that a slower machine does not hide a regression.
The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOALS, SECTION_BULLETS = 5, 12
BULLET = (
    "地域の親子が安心して過ごせるよう、スタッフが声をかけ、"
    "必要に応じて相談や関係機関につないだ（{n}）"
)


def _environment(tmp: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "hiroba.settings.dev"
    os.environ["HIROBA_DEBUG"] = "0"
    os.environ.setdefault("HIROBA_SECRET_KEY", secrets.token_urlsafe(40))
    os.environ["HIROBA_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))


def _best(func, runs: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - started)
    return best, result


def _seed(scale: int):
    from django.conf import settings  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import transaction  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from hiroba.core import demodata  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    ctx = demodata.DemoContext(
        seed=2026,
        scale=scale,
        today=timezone.localdate(),
        password=settings.DEMO_PASSWORD,
        log=lambda line: print(line, file=sys.stderr),
    )
    with transaction.atomic():
        for step in demodata.steps():
            step.func(ctx)
    return ctx.shared["hub"]


def _long_sheet(hub):
    from hiroba.accounts.models import User  # noqa: PLC0415
    from hiroba.evaluation import services  # noqa: PLC0415
    from hiroba.evaluation.choices import GoalPart  # noqa: PLC0415
    from hiroba.evaluation.models import EvaluationSheet  # noqa: PLC0415
    from hiroba.evaluation.services import GoalContent, ThemeContent  # noqa: PLC0415

    actor = User.objects.get(email="manager@example.jp")
    sheet = EvaluationSheet.objects.filter(hub=hub).order_by("-fiscal_year").first()
    bullets = "\n".join(BULLET.format(n=n) for n in range(1, SECTION_BULLETS + 1))
    figures = (
        "\nひろばの延べ利用者数 {{visits.person_visits}}\n提供会員 {{kosapo.provider_members}}"
    )
    for n in range(1, GOALS + 1):
        sheet.refresh_from_db()
        services.save_goal(
            sheet,
            GoalContent(
                f"重点目標その{n}：誰もが安心して過ごせる居場所づくり",
                [ThemeContent(actions=bullets, results=bullets + figures, issues=bullets)],
            ),
            actor=actor,
        )
    for n in range(1, 4):
        sheet.refresh_from_db()
        services.save_goal(
            sheet,
            GoalContent(f"次年度の目標その{n}", [ThemeContent(actions=bullets)]),
            part=GoalPart.NEXT,
            actor=actor,
        )
    sheet.refresh_from_db()
    return sheet


def _measure(sheet, runs: int) -> dict:
    from pypdf import PdfReader  # noqa: PLC0415

    from hiroba.core.typeset import compile_typst  # noqa: PLC0415
    from hiroba.evaluation import document, pdf  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        reference_source = Path(folder) / "one-line.typ"
        reference_source.write_text(
            '#set text(font: "Noto Sans JP", lang: "ja")\n#sys.inputs.at("data")\n',
            encoding="utf-8",
        )
        reference_s, _ = _best(lambda: compile_typst(reference_source, {"line": "一行"}), runs)
    draft_s, draft = _best(lambda: pdf.sheet_pdf(document.build_document(sheet)), runs)
    frozen = document.build_document(sheet)
    frozen["draft_mark"] = ""
    published_s, _ = _best(lambda: pdf.sheet_pdf(frozen), runs)
    pages = len(PdfReader(io.BytesIO(draft)).pages)
    return {
        "reference_seconds": round(reference_s, 4),
        "draft_seconds": round(draft_s, 4),
        "published_seconds": round(published_s, 4),
        "draft_ratio": round(draft_s / reference_s, 2),
        "pages": pages,
        "bullets": GOALS * 3 * SECTION_BULLETS + 3 * SECTION_BULLETS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="scale 1 (CI)")
    options = parser.parse_args()
    scale, runs = (1, 3) if options.quick else (4, 5)
    with tempfile.TemporaryDirectory() as tmp:
        _environment(tmp)
        import django  # noqa: PLC0415

        django.setup()
        hub = _seed(scale)
        figures = {"scale": scale, **_measure(_long_sheet(hub), runs)}
    result = {
        "name": "evaluation_pdf",
        "figures": figures,
        "goals": [
            {
                "name": "draft sheet PDF, figures included (s)",
                "value": figures["draft_seconds"],
                "op": "<=",
                "target": 2.0,
            },
            {
                "name": "published sheet PDF (s)",
                "value": figures["published_seconds"],
                "op": "<=",
                "target": 2.0,
            },
            {
                "name": "draft PDF / one-line PDF",
                "value": figures["draft_ratio"],
                "op": "<=",
                "target": 12,
            },
        ],
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
