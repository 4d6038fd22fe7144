"""Writes for the action log (取組の記録): what was done towards a key goal, logged when it
happened. Atomic, audited, actor keyword-only. The sheet row is locked while checking that it
is still open, so an action cannot slip into a sheet being published at the same moment."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from hiroba.core import audit
from hiroba.evaluation.choices import GoalPart
from hiroba.evaluation.errors import EvaluationError
from hiroba.evaluation.models import EvaluationSheet, Goal, LoggedAction
from hiroba.lib.fiscal import fiscal_year_bounds
from hiroba.lib.wareki import format_fiscal_year


def _open_sheet(sheet_id: int) -> EvaluationSheet:
    sheet = EvaluationSheet.objects.select_for_update().get(pk=sheet_id)
    if sheet.is_frozen:
        raise EvaluationError("frozen")
    return sheet


def _check(sheet: EvaluationSheet, goal: Goal, done_on: date, text: str, today: date) -> None:
    if goal.part != GoalPart.CURRENT:
        raise EvaluationError("goal_not_current")
    if not text.strip():
        raise EvaluationError("action_text_needed")
    if done_on > today:
        raise EvaluationError("action_in_future")
    first, last = fiscal_year_bounds(sheet.fiscal_year)
    if not first <= done_on <= last:
        raise EvaluationError(
            "action_outside_year",
            year=format_fiscal_year(sheet.fiscal_year),
            first=first.isoformat(),
            last=last.isoformat(),
        )


def log_action(
    goal: Goal, *, done_on: date, text: str, actor, program=None, today: date | None = None
) -> LoggedAction:
    with transaction.atomic():
        sheet = _open_sheet(goal.sheet_id)
        _check(sheet, goal, done_on, text, today or timezone.localdate())
        action = LoggedAction.objects.create(
            goal=goal, done_on=done_on, text=text.strip(), program=program, created_by=actor
        )
        audit.record(
            "evaluation.action.logged",
            actor=actor,
            obj=sheet,
            payload={"goal": goal.pk, "action": action.pk},
        )
    return action


def delete_logged_action(action: LoggedAction, *, actor) -> None:
    with transaction.atomic():
        sheet = _open_sheet(action.goal.sheet_id)
        pk = action.pk
        action.delete()
        audit.record("evaluation.action.deleted", actor=actor, obj=sheet, payload={"action": pk})
