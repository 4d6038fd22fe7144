"""The 5-year term review (5か年度の振り返り): the sheets of one contract term side by side, each
year's key goals and the indicator trend, to write the term's review and the next proposal.

A year's figure is the one frozen in its published sheet when the sheet printed it, so the
review agrees with what was published; otherwise it is computed from today's records."""

from __future__ import annotations

from dataclasses import dataclass, field

from hiroba.core.models import Hub
from hiroba.evaluation import indicators
from hiroba.evaluation.choices import GoalPart
from hiroba.evaluation.models import EvaluationSheet
from hiroba.evaluation.queries import standing_version
from hiroba.lib.fiscal import fiscal_year_of


@dataclass
class TermYear:
    fiscal_year: int
    sheet: EvaluationSheet | None
    goals: list[str] = field(default_factory=list)
    next_goals: list[str] = field(default_factory=list)


@dataclass
class TrendRow:
    indicator: indicators.Indicator
    cells: list[tuple[str, bool]]  # (value as printed, frozen in a published sheet)


def term_years(hub: Hub, start: int | None = None) -> list[int]:
    """The fiscal years of the contract term starting in ``start`` (the hub's current term by
    default)."""
    start = start or hub.contract_start_fiscal_year
    return list(range(start, start + hub.contract_term_years))


def term_review(hub: Hub, years: list[int], *, today) -> tuple[list[TermYear], list[TrendRow]]:
    sheets = list(
        EvaluationSheet.objects.filter(hub=hub, fiscal_year__in=years).prefetch_related("goals")
    )
    rows = []
    for year in years:
        sheet = standing_version(s for s in sheets if s.fiscal_year == year)
        goals = list(sheet.goals.all()) if sheet else []
        rows.append(
            TermYear(
                year,
                sheet,
                [g.title for g in goals if g.part == GoalPart.CURRENT],
                [g.title for g in goals if g.part == GoalPart.NEXT],
            )
        )
    return rows, _trend(hub, rows, last_year=fiscal_year_of(today))


def _trend(hub: Hub, rows: list[TermYear], *, last_year: int) -> list[TrendRow]:
    live = {
        row.fiscal_year: indicators.values_for(hub, row.fiscal_year)
        for row in rows
        if row.fiscal_year <= last_year
    }
    trend = []
    for indicator in indicators.all_indicators():
        cells = []
        for row in rows:
            printed = _frozen_figure(row.sheet, indicator.code)
            if printed is not None:
                cells.append((printed, True))
            elif row.fiscal_year in live:
                value = live[row.fiscal_year][indicator.code]
                cells.append((indicators.format_value(indicator, value), False))
            else:
                cells.append(("", False))
        trend.append(TrendRow(indicator, cells))
    return trend


def _frozen_figure(sheet: EvaluationSheet | None, code: str) -> str | None:
    if sheet is None or sheet.published_data is None:
        return None
    figure = sheet.published_data.get("figures", {}).get(code)
    if figure is None or figure.get("value") is None:
        return None
    indicator = indicators.get(code)
    return indicators.format_value(indicator, figure["value"])
