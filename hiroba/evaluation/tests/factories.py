"""Sheets for tests: a draft with goals written the way staff type them."""

from __future__ import annotations

from hiroba.evaluation import services
from hiroba.evaluation.choices import GoalPart
from hiroba.evaluation.services import GoalContent, ThemeContent


def sheet(hub, fiscal_year: int = 2025, *, actor=None):
    return services.create_sheet(hub, fiscal_year, actor=actor)


def goal(
    sheet,
    title: str = "誰もが安心して過ごせる居場所づくり",
    *,
    part=GoalPart.CURRENT,
    actor=None,
    actions="ひろばの開所日を週6日に拡大した",
    results="初めての利用者が増えた",
    issues="父親の利用がまだ少ない",
    themes=None,
):
    sheet.refresh_from_db()
    content = GoalContent(
        title=title,
        themes=themes or [ThemeContent(actions=actions, results=results, issues=issues)],
    )
    return services.save_goal(
        sheet, content, part=part, actor=actor, expected_revision=sheet.revision
    )


def reviewed(hub, *, operator, ward, fiscal_year: int = 2025):
    """A sheet with one goal and one next-year goal, approved by both sides."""
    made = sheet(hub, fiscal_year, actor=operator)
    goal(made, actor=operator)
    goal(
        made,
        "父親の子育て参加を広げる",
        part=GoalPart.NEXT,
        actor=operator,
        actions="土曜日の父親講座を年6回開く",
    )
    made.refresh_from_db()
    made = services.submit_for_review(made, actor=operator, expected_revision=made.revision)
    made = services.approve(made, "operator", actor=operator, expected_revision=made.revision)
    return services.approve(made, "ward", actor=ward, expected_revision=made.revision)
