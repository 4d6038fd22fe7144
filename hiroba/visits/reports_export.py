"""The visit report tables as the pages show them, and their exports to XLSX and CSV.

A report becomes a list of ``hiroba.core.tables.Table`` objects; the page templates and both
exports read the same tables, so what is downloaded is what was seen. How the files are
written (sheets, widths, formula-safe text, CSV with a BOM) lives in ``hiroba.core.tables``,
shared with the program statistics; this module says which tables a report has and how its
files are named.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from hiroba.core import tables
from hiroba.core.tables import Column, Table, figures_table, text_column
from hiroba.lib.wareki import format_fiscal_year
from hiroba.visits.reports import (
    FIELDS,
    Figures,
    MonthlyReport,
    Row,
    TrendYear,
    YearlyReport,
)


def _measures(*, families: bool) -> list[Column]:
    columns = [
        Column("pairs", _("Groups")),
        Column("people", _("Person-visits")),
        Column("adults", _("Adults")),
        Column("children", _("Children")),
        Column("children_0", _("Age 0")),
        Column("children_1", _("Age 1")),
        Column("children_2", _("Age 2")),
        Column("children_3", _("Age 3 and over")),
        Column("fathers", _("Fathers")),
        Column("grandparents", _("Grandparents")),
        Column("pregnant", _("Pregnant visitors")),
        Column("first_visits", _("First visits")),
        Column("first_visit_share", _("First-visit share (%)")),
    ]
    if families:
        columns.append(Column("families", _("Families (distinct)")))
    return columns


def _figures_table(
    key: str, title: str, first: Column, rows: list[Row], *, families: bool
) -> Table:
    pairs = [([row.label], row.figures) for row in rows]
    return figures_table(key, title, [first], _measures(families=families), pairs)


def _venue_table(venues: list[Row]) -> Table:
    labels = [text_column("venue", _("Venue")), text_column("category", _("Kind"))]
    pairs = [([row.label, row.note], row.figures) for row in venues]
    return figures_table("venues", _("By venue"), labels, _measures(families=False), pairs)


# -- tables of each report ---------------------------------------------------------------------
def monthly_tables(report: MonthlyReport) -> list[Table]:
    summary = _registrations_table(
        "summary",
        _("Summary"),
        text_column("day_type", _("Day type")),
        [([row.label], row.figures, [None]) for row in report.day_types],
        total=([_("Total")], report.total, [report.registrations]),
    )
    return [
        summary,
        *_breakdown_tables(report),
        _day_table(report),
        _opening_table(report),
    ]


def _registrations_table(
    key: str,
    title: str,
    first: Column,
    rows: list[tables.FiguresRow],
    total: tables.FiguresRow | None = None,
) -> Table:
    """A table of whole groups (day types, months, years): distinct families and new
    registrations besides the figures."""
    after = [Column("registrations", _("New registrations"))]
    measures = _measures(families=True)
    return figures_table(key, title, [first], measures, rows, after=after, total=total)


def _day_table(report: MonthlyReport) -> Table:
    labels = [
        text_column("date", _("Date")),
        text_column("weekday", _("Day")),
        text_column("holiday", _("Holiday")),
    ]
    total = Figures()
    for day in report.days:
        total.add({name: getattr(day.figures, name) for name in FIELDS})
    total.families = report.total.families
    return figures_table(
        "days",
        _("By day"),
        labels,
        _measures(families=True),
        [([day.day, day.weekday, day.holiday], day.figures) for day in report.days],
        total=([_("Total"), "", ""], total),
    )


def _opening_table(report: MonthlyReport) -> Table:
    table = Table(
        "opening",
        _("Opening days per week"),
        [
            text_column("venue", _("Venue")),
            text_column("week", _("Week from")),
            Column("open_days", _("Days open")),
            text_column("below", _("Below the minimum")),
        ],
    )
    for room in report.opening:
        for week in room.weeks:
            below = _("Yes") if week.below_minimum else ("" if week.complete else _("Not over"))
            table.rows.append([room.venue.name, week.start, week.open_days, below])
    return table


def yearly_tables(report: YearlyReport) -> list[Table]:
    by_month = zip(report.months, report.registrations_by_month, strict=True)
    months = _registrations_table(
        "months",
        _("By month"),
        text_column("month", _("Month")),
        [([row.label], row.figures, [registrations]) for row, registrations in by_month],
        total=([_("Total")], report.total, [report.registrations]),
    )
    return [
        months,
        *_breakdown_tables(report),
        _figures_table(
            "day_types",
            _("Weekdays and holidays"),
            text_column("day_type", _("Day type")),
            report.day_types,
            families=False,
        ),
    ]


def trend_tables(years: list[TrendYear]) -> list[Table]:
    rows = [([format_fiscal_year(y.fiscal_year)], y.figures, [y.registrations]) for y in years]
    first = text_column("fiscal_year", _("Fiscal year"))
    return [_registrations_table("years", _("By fiscal year"), first, rows)]


# -- files -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportInfo:
    """What the file is: shown at the top of the CSV and on the XLSX's first sheet."""

    kind: str
    area: str
    period: str
    slug: str  # ASCII part of the file name, e.g. "monthly-2026-11"

    @property
    def about(self) -> tables.About:
        return tables.About(self.kind, ((_("Area"), self.area), (_("Period"), self.period)))


def xlsx_bytes(report_tables: list[Table], info: ExportInfo) -> bytes:
    return tables.xlsx_bytes(report_tables, info.about)


def csv_bytes(report_tables: list[Table], info: ExportInfo) -> bytes:
    return tables.csv_bytes(report_tables, info.about)


def file_name(info: ExportInfo, extension: str) -> str:
    """ "来館月報_はなみずきひろば_2026-11.xlsx": the kind, the area and the period."""
    area = tables.file_name_part(info.area)
    return f"{info.kind}_{area}_{info.slug.split('-', 1)[-1]}.{extension}"


def content_disposition(info: ExportInfo, extension: str) -> str:
    """The Japanese name, with "hiroba-visits-monthly-2026-11.csv" for old clients."""
    ascii_name = f"hiroba-visits-{info.slug}.{extension}"
    return tables.attachment_disposition(file_name(info, extension), ascii_name)


def _breakdown_tables(report) -> list:
    """The tables the monthly and the yearly export share: by kind of venue, by venue and by
    district of residence (distinct families only where whole hub groups are counted)."""
    return [
        _figures_table(
            "categories",
            _("By kind of venue"),
            text_column("category", _("Kind")),
            report.categories,
            families=False,
        ),
        _venue_table(report.venues),
        _figures_table(
            "districts",
            _("By district of residence"),
            text_column("district", _("District")),
            report.districts,
            families=report.scope.whole_groups,
        ),
    ]
