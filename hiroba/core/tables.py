"""Tables of figures as pages show them, and their downloads as XLSX and CSV.

Statistics (visit reports, program statistics) become a list of ``Table`` objects: a title,
columns and rows of plain values (numbers, text, dates, ``None`` for no figure). The page
templates and both files read the same tables, so what is downloaded is what was seen; this
module holds the file side once for every domain app.

XLSX: a first sheet saying what the file is (``About``), then one sheet per table with a bold
header row and a bold total row, sized columns, numbers stored as numbers and text stored as
text, so a cell such as ``=HYPERLINK(...)`` is never run as a formula. CSV: UTF-8 with a BOM
(Excel detects it), the tables one after another, cells starting with = + - @ escaped by
``hiroba.lib.csvio.write_csv``. File names are Japanese, sent as RFC 5987 ``filename*`` beside
an ASCII name for old clients.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from hiroba.lib.csvio import write_csv

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
# Excel's limits and rules for sheet names.
SHEET_TITLE_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Characters Windows and macOS refuse in file names, and white space.
_FILE_NAME_FORBIDDEN = re.compile(r'[\\/:*?"<>|\s]+')
# Column widths in Excel's units (about one half-width character each).
_MIN_WIDTH, _MAX_WIDTH, _PADDING = 8, 48, 2


@dataclass(frozen=True)
class Column:
    """A column: ``key`` names it for templates, ``numeric`` is False for label columns."""

    key: str
    label: str
    numeric: bool = True


def text_column(key: str, label: str) -> Column:
    """A label column (venue, month, category), not a figure."""
    return Column(key, label, numeric=False)


@dataclass
class Table:
    """One table of a report; ``total`` is an optional last row, shown in bold."""

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


# (label values, figures object) or (label values, figures object, values after the figures)
FiguresRow = tuple[Sequence[object], object] | tuple[Sequence[object], object, Sequence[object]]


def figures_table(
    key: str,
    title: str,
    labels: Sequence[Column],
    measures: Sequence[Column],
    rows: Iterable[FiguresRow],
    *,
    after: Sequence[Column] = (),
    total: FiguresRow | None = None,
) -> Table:
    """The usual statistics table: label columns (venue, month…), one column per measure read
    from a figures object, then any ``after`` columns (new registrations…). Each row and the
    optional ``total`` is ``([row.label], row.figures)``, or with a third part, the values of
    the ``after`` columns: ``([month.label], month.figures, [registrations])``."""
    table = Table(key, title, [*labels, *measures, *after])
    table.rows = [_figures_row(row, measures) for row in rows]
    table.total = _figures_row(total, measures) if total is not None else None
    return table


def _figures_row(row: FiguresRow, measures: Sequence[Column]) -> list[object]:
    values, figures, *after = row
    cells = [getattr(figures, column.key) for column in measures]
    return [*values, *cells, *(after[0] if after else ())]


@dataclass(frozen=True)
class About:
    """What a file is, so that a printed or forwarded copy still says it: the kind of report
    ("来館月報") and (label, value) lines such as the area and the period. The CSV starts
    with the kind and the values; the XLSX's first sheet lists them all."""

    kind: str
    lines: tuple[tuple[str, str], ...]

    @property
    def values(self) -> list[str]:
        return [value for _label, value in self.lines]


# -- XLSX --------------------------------------------------------------------------------------
def _sheet_title(title: str, used: set[str]) -> str:
    """A sheet name Excel accepts: no [ ] : * ? / \\, at most 31 characters, and unique
    (a repeated title gets " (2)", " (3)"… within the limit)."""
    base = _SHEET_FORBIDDEN.sub(" ", title).strip()[:SHEET_TITLE_MAX] or "Sheet"
    name, n = base, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[: SHEET_TITLE_MAX - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _display_width(value: object) -> int:
    """How wide a value shows: full-width (Japanese) characters count twice."""
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


def _write_sheet(sheet, headers: list[str], rows: list[list[object]], *, bold_last: bool) -> None:
    """A bold header row, the rows (``None`` left empty), columns as wide as their widest
    value within bounds, and the header and first column frozen."""
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
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = min(max(width + _PADDING, _MIN_WIDTH), _MAX_WIDTH)
    sheet.freeze_panes = "B2"


def xlsx_bytes(tables: Sequence[Table], about: About) -> bytes:
    """The workbook: a "Report" sheet from ``about``, then one sheet per table."""
    workbook = Workbook()
    used: set[str] = set()
    first = workbook.active
    first.title = _sheet_title(_("Report"), used)
    lines = [[label, value] for label, value in about.lines]
    _write_sheet(first, [_("Report"), about.kind], lines, bold_last=False)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        headers = [c.label for c in table.columns]
        _write_sheet(sheet, headers, table.all_rows, bold_last=table.total is not None)
    workbook.properties.title = " ".join([about.kind, *about.values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- CSV ---------------------------------------------------------------------------------------
def csv_bytes(tables: Sequence[Table], about: About) -> bytes:
    """The kind, one line per value of ``about``, then per table: an empty line, the title,
    the header and the rows (total last)."""
    rows: list[list[object]] = [[value] for value in about.values]
    for table in tables:
        rows += [[], [table.title], [c.label for c in table.columns], *table.all_rows]
    return write_csv(rows, [about.kind])


def export_bytes(tables: Sequence[Table], about: About, fmt: str) -> bytes:
    """The file in ``fmt`` ("xlsx" or "csv", the keys of ``CONTENT_TYPES``)."""
    if fmt == "xlsx":
        return xlsx_bytes(tables, about)
    if fmt == "csv":
        return csv_bytes(tables, about)
    raise ValueError(f"Unknown export format: {fmt!r}")


# -- download links ----------------------------------------------------------------------------
def download_links(url_name: str, params: dict) -> list[tuple[str, str]]:
    """(label, URL) of a page's XLSX and CSV downloads: ``url_name`` with the page's ``params``
    (its period, its area) and ``format``."""
    base = reverse(url_name)
    return [
        (label, f"{base}?{urlencode({**params, 'format': fmt})}")
        for fmt, label in (("xlsx", _("Excel (XLSX)")), ("csv", _("CSV")))
    ]


# -- file names --------------------------------------------------------------------------------
def file_name_part(text: str) -> str:
    """``text`` usable inside a file name: characters file systems refuse and white space
    become "_" ("はなみずき ひろば" → "はなみずき_ひろば")."""
    return _FILE_NAME_FORBIDDEN.sub("_", text).strip("_")


def attachment_disposition(file_name: str, ascii_name: str) -> str:
    """A Content-Disposition header downloading as ``file_name`` (Japanese, RFC 5987
    ``filename*``), with ``ascii_name`` for clients that do not read ``filename*``; that one
    goes into the header as it is, so it must be plain ASCII without quotes or backslashes."""
    if not ascii_name.isascii() or any(ch in ascii_name for ch in '"\\\r\n'):
        raise ValueError(f"Not a plain ASCII file name: {ascii_name!r}")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name, safe='')}"
