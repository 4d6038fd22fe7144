"""Bringing a past year's published sheet in from its plain text (``textimport``), so that the
5-year view and last year's next-year goals are there from the first year of using Hiroba.

The parse is shown to staff first; only what they confirm is saved, as a published sheet
(already public elsewhere, so it is frozen like one published here).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone, translation

from hiroba.core import audit
from hiroba.core.models import Hub
from hiroba.evaluation import document
from hiroba.evaluation.choices import Change, GoalPart, SheetLayout, SheetStatus
from hiroba.evaluation.errors import EvaluationError
from hiroba.evaluation.models import EvaluationSheet, Goal, Theme
from hiroba.evaluation.services import _keep_revision
from hiroba.evaluation.textimport import ParsedGoal, ParsedSheet
from hiroba.lib.fiscal import fiscal_year_of
from hiroba.lib.wareki import format_fiscal_year


def import_sheet(
    hub: Hub, parsed: ParsedSheet, *, fiscal_year: int, actor, today: date | None = None
) -> EvaluationSheet:
    """Save a past year's sheet as published. Only years before this one: a sheet of this
    year goes through the review with the ward."""
    if hub.is_satellite:
        raise EvaluationError("satellite_sheet")
    this_year = fiscal_year_of(today or timezone.localdate())
    if fiscal_year >= this_year:
        raise EvaluationError("import_not_past", year=format_fiscal_year(this_year))
    if not parsed.goals and not parsed.next_goals:
        raise EvaluationError("import_empty")
    with transaction.atomic():
        Hub.objects.select_for_update().get(pk=hub.pk)
        if EvaluationSheet.objects.filter(hub=hub, fiscal_year=fiscal_year).exists():
            raise EvaluationError(
                "sheet_exists", hub=hub.name, year=format_fiscal_year(fiscal_year)
            )
        themed = any(t.title for g in parsed.goals + parsed.next_goals for t in g.themes)
        sheet = EvaluationSheet.objects.create(
            hub=hub,
            fiscal_year=fiscal_year,
            status=SheetStatus.PUBLISHED,
            imported=True,
            layout=SheetLayout.THEMED if themed else SheetLayout.SIMPLE,
            **_term(parsed),
            implementers="\n".join(parsed.implementers),
            purpose=parsed.purpose,
            principles="\n".join(parsed.principles),
            programs="\n".join(parsed.programs),
            method="\n".join(parsed.method),
            created_by=actor,
        )
        _save_goals(sheet, GoalPart.CURRENT, parsed.goals)
        _save_goals(sheet, GoalPart.NEXT, parsed.next_goals)
        sheet.published_at, sheet.published_by = timezone.now(), actor
        with translation.override("ja"):
            sheet.published_data = document.build_document(sheet, with_figures=False)
        sheet.save(update_fields=["published_at", "published_by", "published_data"])
        _keep_revision(sheet, Change.IMPORTED, actor)
        audit.record(
            "evaluation.sheet.imported",
            actor=actor,
            obj=sheet,
            payload={"fiscal_year": fiscal_year, "goals": len(parsed.goals)},
        )
    return sheet


def _term(parsed: ParsedSheet) -> dict:
    """The contract year as printed, unless it cannot be (e.g. 「9年度目／5か年度」)."""
    year, years = parsed.term_year, parsed.term_years
    if year and years and 1 <= year <= years:
        return {"term_year": year, "term_years": years}
    return {"term_year": None, "term_years": None}


def _save_goals(sheet: EvaluationSheet, part: str, goals: list[ParsedGoal]) -> None:
    for position, parsed in enumerate(goals, start=1):
        goal = Goal.objects.create(
            sheet=sheet, part=part, position=position, title=parsed.title[:300] or "—"
        )
        Theme.objects.bulk_create(
            Theme(
                goal=goal,
                position=n,
                title=theme.title[:200],
                actions="\n".join(theme.actions),
                results="\n".join(theme.results),
                issues="\n".join(theme.issues),
            )
            for n, theme in enumerate(parsed.themes or [], start=1)
        )
