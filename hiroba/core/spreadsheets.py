"""Uploaded tables, CSV or Excel (.xlsx), read into rows of strings along one path.

Hubs keep their old records in Excel and save them as .xlsx or as CSV (Shift_JIS from older
Excel, UTF-8 from newer tools). Both become ``hiroba.lib.csvio.CsvTable`` rows, so importers
apply the same header aliases, cleaning and line numbers whatever the format. The format is
told by the content, not the file name: a workbook renamed to .csv still opens.

The upload itself travels from the preview to the confirmation inside a signed token
(``pack_upload``), like the town-block import: the confirmed import is exactly the previewed
file, and nothing is stored on the server between the two steps.
"""

from __future__ import annotations

import zipfile
from base64 import urlsafe_b64decode, urlsafe_b64encode
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from io import BytesIO
from typing import ClassVar
from xml.etree.ElementTree import ParseError  # noqa: S405 - only the exception type

from django import forms
from django.core import signing
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hiroba.core.forms import CsvUploadField
from hiroba.core.input_errors import message_for
from hiroba.lib.csvio import CsvTable, read_csv, read_records
from hiroba.lib.errors import InputError

ZIP_MAGIC = b"PK\x03\x04"
# Compound File Binary: the old .xls format, and also any password-protected workbook.
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# A small .xlsx can unpack to gigabytes (a "zip bomb"); real sheets of a few thousand rows
# unpack to a few megabytes.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_COLUMNS = 100
HEADER_SEARCH_ROWS = 5
TOKEN_MAX_AGE = 60 * 60
MAX_PROBLEMS_SHOWN = 100

MESSAGES = {
    "encoding": _(
        "The file could not be read. Save it as CSV (UTF-8 or Shift_JIS) or as an Excel "
        "workbook (.xlsx)."
    ),
    "old_excel": _(
        "This is an old Excel file (.xls) or a password-protected workbook. Open it in Excel, "
        "remove any password and save it as .xlsx or CSV."
    ),
    "not_a_workbook": _(
        "The file looks like a ZIP archive but is not an Excel workbook (.xlsx). Save it as "
        ".xlsx or CSV."
    ),
    "unpacked_too_large": _("The workbook is too large when unpacked. Save it as CSV instead."),
    "no_sheet": _("The workbook has no visible sheet."),
    "no_rows": _("The file has a header row but no data rows."),
}


class SpreadsheetError(Exception):
    """The upload cannot be read as a table; ``message`` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = str(message)


@dataclass(frozen=True)
class CellProblem:
    """A bad cell of an import: the row as Excel numbers it, the column and why. Importers
    subclass it naming their ``COLUMNS`` (key → labels, the first shown to the user)."""

    COLUMNS: ClassVar[Mapping[str, Sequence[str]]] = {}
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return str(_("Row {row}, {column}: {message}")).format(
            row=self.line, column=self.COLUMNS[self.column][0], message=self.message
        )


def shown_problems(messages: list[str], *, limit: int = MAX_PROBLEMS_SHOWN) -> list[str]:
    """An import's problems as its page lists them: at most ``limit``, then one line saying how
    many more there are (a file with a wrong column can have thousands)."""
    if len(messages) <= limit:
        return messages
    more = gettext("…and {count} more problems.").format(count=len(messages) - limit)
    return [*messages[:limit], more]


class SpreadsheetUploadField(CsvUploadField):
    """A CSV or .xlsx upload of at most ``max_bytes``."""

    def __init__(self, *, max_bytes: int = MAX_UPLOAD_BYTES, **kwargs):
        accept = (
            ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": accept}))
        super().__init__(max_bytes=max_bytes, **kwargs)


def read_table(
    data: bytes,
    *,
    columns: Mapping[str, Sequence[str]],
    required: Iterable[str],
    max_rows: int,
) -> CsvTable:
    """The rows of an uploaded CSV or .xlsx file (first visible sheet), header found within
    the first few rows. Every problem becomes a ``SpreadsheetError`` with a user message."""
    try:
        if data.startswith(ZIP_MAGIC):
            return read_records(
                _xlsx_records(data, max_rows=max_rows),
                columns=columns,
                required=required,
                max_rows=max_rows,
                header_search=HEADER_SEARCH_ROWS,
            )
        if data.startswith(CFB_MAGIC):
            raise SpreadsheetError(MESSAGES["old_excel"])
        return read_csv(
            data,
            columns=columns,
            required=required,
            max_rows=max_rows,
            header_search=HEADER_SEARCH_ROWS,
        )
    except InputError as error:
        if error.code == "csv_encoding":
            raise SpreadsheetError(MESSAGES["encoding"]) from error
        raise SpreadsheetError(message_for(error)) from error


def read_data_rows(
    data: bytes,
    *,
    columns: Mapping[str, Sequence[str]],
    required: Iterable[str],
    max_rows: int,
) -> CsvTable:
    """``read_table``, and a file with a header but no rows is an error too (both importers
    refuse it with the same message)."""
    table = read_table(data, columns=columns, required=required, max_rows=max_rows)
    if not table.rows:
        raise SpreadsheetError(MESSAGES["no_rows"])
    return table


def _xlsx_records(data: bytes, *, max_rows: int) -> list[tuple[int, list[str]]]:
    """(Excel row number, cell texts) of the first visible sheet, read in one go so the
    workbook is closed before the rows are checked."""
    import openpyxl  # noqa: PLC0415 - only needed for workbooks, and slow to import
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

    _check_unpacked_size(data)
    broken = (InvalidFileException, KeyError, OSError, ValueError, ParseError, zipfile.BadZipFile)
    try:
        workbook = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    except broken as exc:
        raise SpreadsheetError(MESSAGES["not_a_workbook"]) from exc
    try:
        sheets = [s for s in workbook.worksheets if s.sheet_state == "visible"]
        if not sheets:
            raise SpreadsheetError(MESSAGES["no_sheet"])
        sheet = sheets[0]
        # Some tools write a wrong sheet size ("A1"); read every row that is really there.
        sheet.reset_dimensions()
        return list(_sheet_records(sheet, max_rows=max_rows))
    except broken as exc:
        raise SpreadsheetError(MESSAGES["not_a_workbook"]) from exc
    finally:
        workbook.close()


def _sheet_records(sheet, *, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    filled = 0
    rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    for number, values in enumerate(rows, start=1):
        cells = [cell_text(value) for value in values]
        if any(cells):
            filled += 1
        yield number, cells
        # Header, a title row or two and one row too many are enough for the row limit.
        if filled > max_rows + HEADER_SEARCH_ROWS:
            return


def _check_unpacked_size(data: bytes) -> None:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise SpreadsheetError(MESSAGES["not_a_workbook"]) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(MESSAGES["unpacked_too_large"])


def cell_text(value: object) -> str:
    """A cell as the text a CSV export would hold: dates as ISO dates (which every date
    parser here reads), whole numbers without ".0", empty cells as ""."""
    if value is None:
        text = ""
    elif isinstance(value, datetime) and value.time() == time(0, 0):
        text = value.date().isoformat()
    elif isinstance(value, datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, date | time):
        text = value.isoformat()
    elif isinstance(value, bool):
        text = "1" if value else "0"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return text


# -- carrying the upload from the preview to the confirmation -------------------------------------
class UploadExpired(Exception):
    """The token is missing, tampered with or older than ``TOKEN_MAX_AGE``."""


def pack_upload(data: bytes, meta: Mapping[str, object], *, salt: str) -> str:
    """A signed, compressed token holding the uploaded bytes and ``meta`` (hub id, options)."""
    content = {"meta": dict(meta), "data": urlsafe_b64encode(data).decode()}
    return signing.dumps(content, salt=salt, compress=True)


def unpack_upload(token: str, *, salt: str) -> tuple[dict, bytes]:
    try:
        content = signing.loads(token or "", salt=salt, max_age=TOKEN_MAX_AGE)
        return content["meta"], urlsafe_b64decode(content["data"].encode())
    except (signing.BadSignature, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UploadExpired from exc


class PreviewRefused(Exception):
    """The confirmation cannot go on; ``message`` tells the user to upload again."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = str(message)


def previewed_upload(token: str, *, salt: str, hub_id: int) -> tuple[dict, bytes]:
    """The options and file a preview's confirm button carries back: exactly the previewed
    upload, and only for the hub it was previewed at."""
    try:
        meta, data = unpack_upload(token, salt=salt)
    except UploadExpired as exc:
        raise PreviewRefused(_("The preview has expired. Please upload the file again.")) from exc
    if meta.get("hub") != hub_id:
        raise PreviewRefused(_("The preview was for another hub. Please upload again."))
    return meta, data
