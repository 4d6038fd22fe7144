"""The program statistics as tables, for the page and for the XLSX and CSV downloads.

The page and both files read the same ``hiroba.core.tables.Table`` objects, so what is
downloaded is what was seen. How the files are written (a first sheet saying what the file
is, bold header and total rows, formula-safe text, CSV with a BOM) lives in
``hiroba.core.tables``, shared with the visit reports; this module says which tables the
statistics have and how the files are named.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hiroba.core import tables
from hiroba.core.tables import CONTENT_TYPES, Column, Table, figures_table, text_column
from hiroba.lib.wareki import format_fiscal_year
from hiroba.programs.statistics import ProgramStatistics, Row

__all__ = ["CONTENT_TYPES", "Table", "content_disposition", "export", "statistics_tables"]


def _measures() -> list[Column]:
    return [
        Column("sessions", _("Sessions held")),
        Column("lecture_sessions", _("Lectures held")),
        Column("families", _("Families taking part")),
        Column("people", _("People taking part")),
        Column("attended_adults", _("Adults (signed up)")),
        Column("attended_children", _("Children (signed up)")),
        Column("walk_in_families", _("Families without sign-up")),
        Column("walk_in_people", _("People without sign-up")),
        Column("absent", _("Did not come")),
        Column("excused", _("Sent apologies")),
        Column("capacity_families", _("Family seats")),
        Column("confirmed_at_start", _("Confirmed at the start")),
        Column("fill_rate", _("Fill rate (%)")),
        Column("waiting_at_start", _("Waiting list at the start")),
    ]


def month_table(stats: ProgramStatistics) -> Table:
    return figures_table(
        "months",
        _("By month"),
        [text_column("month", _("Month"))],
        _measures(),
        [([month.label], month.figures, [month.lecture_label]) for month in stats.months],
        after=[text_column("lecture", _("Lecture this month"))],
        total=([_("Total")], stats.total, [""]),
    )


def _rows_table(key: str, title: str, first: Column, rows: list[Row]) -> Table:
    pairs = [([row.label], row.figures) for row in rows]
    return figures_table(key, title, [first], _measures(), pairs)


def program_table(stats: ProgramStatistics) -> Table:
    labels = [
        text_column("program", _("Program")),
        text_column("category", _("Category")),
        text_column("first_day", _("First session")),
    ]
    pairs = [([row.label, row.note, row.first_day], row.figures) for row in stats.programs]
    return figures_table("programs", _("By program"), labels, _measures(), pairs)


def statistics_tables(stats: ProgramStatistics) -> list[Table]:
    return [
        month_table(stats),
        _rows_table(
            "categories", _("By category"), text_column("category", _("Category")), stats.categories
        ),
        program_table(stats),
    ]


# -- files ---------------------------------------------------------------------------------------
def _about(stats: ProgramStatistics) -> tables.About:
    period = format_fiscal_year(stats.fiscal_year)
    return tables.About(
        _("Program statistics"), ((_("Hub"), stats.hub.name), (_("Period"), period))
    )


def export(stats: ProgramStatistics, fmt: str) -> bytes:
    """The statistics as a file in ``fmt``, one of ``CONTENT_TYPES``."""
    return tables.export_bytes(statistics_tables(stats), _about(stats), fmt)


def content_disposition(stats: ProgramStatistics, fmt: str) -> str:
    """An ASCII name for old clients and "講座統計_はなみずきひろば_2026.xlsx" as RFC 5987."""
    area = tables.file_name_part(stats.hub.name)
    name = f"{_('Program statistics')}_{area}_{stats.fiscal_year}.{fmt}"
    return tables.attachment_disposition(name, f"hiroba-programs-{stats.fiscal_year}.{fmt}")
