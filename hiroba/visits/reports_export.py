"""The report tables as the pages show them, and their exports to XLSX and CSV.

A report becomes a list of ``Table`` objects (title, columns, rows of plain values); the page
templates and both exports read the same tables, so what is downloaded is what was seen.
XLSX has one sheet per table with a bold header row, sized columns and numbers stored as
numbers; text that Excel would run as a formula is stored as text. CSV is UTF-8 with a BOM
(Excel detects it) with the tables one after another, and cells starting with = + - @ are
escaped by ``hiroba.lib.csvio.write_csv``.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from hiroba.lib.csvio import write_csv
from hiroba.lib.wareki import format_fiscal_year
from hiroba.visits.reports import (
    FIELDS,
    Figures,
    MonthlyReport,
    Row,
    TrendYear,
    YearlyReport,
)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = True


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[object]] = field(default_factory=list)
    total: list[object] | None = None

    @property
    def all_rows(self) -> list[list[object]]:
        return [*self.rows, self.total] if self.total is not None else list(self.rows)

    @property
    def cells(self) -> list[list[tuple[Column, object]]]:
        """Rows as (column, value) pairs, for pages that label every cell."""
        return [list(zip(self.columns, row, strict=True)) for row in self.rows]

    @property
    def total_cells(self) -> list[tuple[Column, object]]:
        return list(zip(self.columns, self.total, strict=True)) if self.total else []


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


def _cells(figures: Figures, columns: list[Column]) -> list[object]:
    return [getattr(figures, c.key) for c in columns if c.numeric]


def _label(key: str, label: str) -> Column:
    return Column(key, label, numeric=False)


def _figures_table(
    key: str, title: str, first: Column, rows: list[Row], *, families: bool
) -> Table:
    measures = _measures(families=families)
    table = Table(key, title, [first, *measures])
    table.rows = [[row.label, *_cells(row.figures, measures)] for row in rows]
    return table


def _venue_table(venues: list[Row]) -> Table:
    measures = _measures(families=False)
    table = Table(
        "venues",
        _("By venue"),
        [_label("venue", _("Venue")), _label("category", _("Kind")), *measures],
    )
    table.rows = [[row.label, row.note, *_cells(row.figures, measures)] for row in venues]
    return table


# -- tables of each report ---------------------------------------------------------------------
def monthly_tables(report: MonthlyReport) -> list[Table]:
    measures = _measures(families=True)
    summary = Table(
        "summary",
        _("Summary"),
        [
            _label("day_type", _("Day type")),
            *measures,
            Column("registrations", _("New registrations")),
        ],
    )
    summary.rows = [[row.label, *_cells(row.figures, measures), None] for row in report.day_types]
    summary.total = [_("Total"), *_cells(report.total, measures), report.registrations]
    return [
        summary,
        *_breakdown_tables(report),
        _day_table(report),
        _opening_table(report),
    ]


def _day_table(report: MonthlyReport) -> Table:
    measures = _measures(families=True)
    table = Table(
        "days",
        _("By day"),
        [
            _label("date", _("Date")),
            _label("weekday", _("Day")),
            _label("holiday", _("Holiday")),
            *measures,
        ],
    )
    total = Figures()
    for day in report.days:
        table.rows.append([day.day, day.weekday, day.holiday, *_cells(day.figures, measures)])
        total.add({name: getattr(day.figures, name) for name in FIELDS})
    total.families = report.total.families
    table.total = [_("Total"), "", "", *_cells(total, measures)]
    return table


def _opening_table(report: MonthlyReport) -> Table:
    table = Table(
        "opening",
        _("Opening days per week"),
        [
            _label("venue", _("Venue")),
            _label("week", _("Week from")),
            Column("open_days", _("Days open")),
            _label("below", _("Below the minimum")),
        ],
    )
    for room in report.opening:
        for week in room.weeks:
            below = _("Yes") if week.below_minimum else ("" if week.complete else _("Not over"))
            table.rows.append([room.venue.name, week.start, week.open_days, below])
    return table


def yearly_tables(report: YearlyReport) -> list[Table]:
    measures = _measures(families=True)
    months = Table(
        "months",
        _("By month"),
        [_label("month", _("Month")), *measures, Column("registrations", _("New registrations"))],
    )
    months.rows = [
        [row.label, *_cells(row.figures, measures), registrations]
        for row, registrations in zip(report.months, report.registrations_by_month, strict=True)
    ]
    months.total = [_("Total"), *_cells(report.total, measures), report.registrations]
    return [
        months,
        *_breakdown_tables(report),
        _figures_table(
            "day_types",
            _("Weekdays and holidays"),
            _label("day_type", _("Day type")),
            report.day_types,
            families=False,
        ),
    ]


def trend_tables(years: list[TrendYear]) -> list[Table]:
    measures = _measures(families=True)
    table = Table(
        "years",
        _("By fiscal year"),
        [
            _label("fiscal_year", _("Fiscal year")),
            *measures,
            Column("registrations", _("New registrations")),
        ],
    )
    table.rows = [
        [format_fiscal_year(y.fiscal_year), *_cells(y.figures, measures), y.registrations]
        for y in years
    ]
    return [table]


# -- files -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportInfo:
    """What the file is: shown at the top of the CSV and on the XLSX's first sheet."""

    kind: str
    area: str
    period: str
    slug: str  # ASCII part of the file name, e.g. "monthly-2026-11"


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _display_width(value: object) -> int:
    text = formats.localize(value) if isinstance(value, date) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _write_cell(sheet, row: int, column: int, value: object, *, bold: bool = False):
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # "=..." is text here, never a formula
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _write_sheet(sheet, headers: list[str], rows: list[list[object]], bold_last: bool) -> None:
    widths = [_display_width(h) for h in headers]
    for column, header in enumerate(headers, start=1):
        _write_cell(sheet, 1, column, header, bold=True)
    for row_number, values in enumerate(rows, start=2):
        is_total = bold_last and row_number == len(rows) + 1
        for column, value in enumerate(values, start=1):
            if value is None:
                continue
            _write_cell(sheet, row_number, column, value, bold=is_total)
            widths[column - 1] = max(widths[column - 1], _display_width(value))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 48)
    sheet.freeze_panes = "B2"


def xlsx_bytes(tables: list[Table], info: ExportInfo) -> bytes:
    workbook = Workbook()
    about = workbook.active
    used: set[str] = set()
    about.title = _sheet_title(_("Report"), used)
    _write_sheet(
        about,
        [_("Report"), info.kind],
        [[_("Area"), info.area], [_("Period"), info.period]],
        bold_last=False,
    )
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        _write_sheet(
            sheet, [c.label for c in table.columns], table.all_rows, table.total is not None
        )
    workbook.properties.title = f"{info.kind} {info.area} {info.period}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(tables: list[Table], info: ExportInfo) -> bytes:
    rows: list[list[object]] = [[info.area], [info.period]]
    for table in tables:
        rows += [[], [table.title], [c.label for c in table.columns], *table.all_rows]
    return write_csv(rows, [info.kind])


def file_name(info: ExportInfo, extension: str) -> str:
    """ "来館月報_はなみずきひろば_2026-11.xlsx": the kind, the area and the period."""
    area = re.sub(r'[\\/:*?"<>|\s]+', "_", info.area).strip("_")
    return f"{info.kind}_{area}_{info.slug.split('-', 1)[-1]}.{extension}"


def content_disposition(info: ExportInfo, extension: str) -> str:
    """An ASCII name for old clients and the Japanese one as RFC 5987 ``filename*``."""
    ascii_name = f"hiroba-visits-{info.slug}.{extension}"
    return (
        f'attachment; filename="{ascii_name}"; '
        f"filename*=UTF-8''{quote(file_name(info, extension), safe='')}"
    )


def _breakdown_tables(report) -> list:
    """The tables the monthly and the yearly export share: by kind of venue, by venue and by
    district of residence (distinct families only where whole hub groups are counted)."""
    return [
        _figures_table(
            "categories",
            _("By kind of venue"),
            _label("category", _("Kind")),
            report.categories,
            families=False,
        ),
        _venue_table(report.venues),
        _figures_table(
            "districts",
            _("By district of residence"),
            _label("district", _("District")),
            report.districts,
            families=report.scope.whole_groups,
        ),
    ]
