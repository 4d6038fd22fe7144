"""Japanese fiscal years (年度) and years within a multi-year contract term.

Public bodies in Japan budget and report by fiscal year, April to March by default:
2024-03-31 belongs to 2023年度 and 2024-04-01 to 2024年度. A fiscal year is named by
the calendar year in which it starts. ``start_month`` exists for the rare bodies that
use another cycle; it must be 1..12 (1 makes the fiscal year the calendar year).
"""

from __future__ import annotations

from datetime import date, timedelta

from hiroba.lib._dates import as_date


def _check_start_month(start_month: int) -> None:
    if not 1 <= start_month <= 12:
        raise ValueError(f"start_month must be 1..12, got {start_month}")


def fiscal_year_of(d: date, *, start_month: int = 4) -> int:
    """The fiscal year containing ``d`` (named by the calendar year it starts in)."""
    _check_start_month(start_month)
    d = as_date(d)
    return d.year if d.month >= start_month else d.year - 1


def fiscal_year_bounds(fy: int, *, start_month: int = 4) -> tuple[date, date]:
    """First and last day of fiscal year ``fy``, both inclusive (for ``BETWEEN`` queries)."""
    _check_start_month(start_month)
    first = date(fy, start_month, 1)
    next_first = date(fy + 1, start_month, 1)
    return first, next_first - timedelta(days=1)


def fiscal_year_months(fy: int, *, start_month: int = 4) -> list[tuple[int, int]]:
    """The 12 (year, month) pairs of fiscal year ``fy`` in order, for monthly reports."""
    _check_start_month(start_month)
    months = []
    for offset in range(12):
        month_index = start_month - 1 + offset
        months.append((fy + month_index // 12, month_index % 12 + 1))
    return months


def fiscal_quarter(d: date, *, start_month: int = 4) -> int:
    """Quarter 1..4 of the fiscal year containing ``d`` (April-June is Q1 by default)."""
    _check_start_month(start_month)
    months_into_year = (as_date(d).month - start_month) % 12
    return months_into_year // 3 + 1


def contract_year(term_start_fy: int, fy: int, *, term_years: int = 5) -> int | None:
    """Which year (1-based) of a contract term starting in ``term_start_fy`` ``fy`` is.

    Hub operations are commissioned for multi-year terms (e.g. 5か年度); reports say
    "4年度目". Returns None when ``fy`` lies outside the term, so callers must decide
    what an out-of-term year means instead of getting a misleading number.
    """
    if term_years < 1:
        raise ValueError(f"term_years must be at least 1, got {term_years}")
    year_in_term = fy - term_start_fy + 1
    if 1 <= year_in_term <= term_years:
        return year_in_term
    return None
