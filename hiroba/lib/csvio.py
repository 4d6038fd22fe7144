"""Reading uploaded CSV files as Japanese offices produce them, and writing exports.

Excel in Japan saves CSV as Shift_JIS (strictly, Microsoft's cp932), newer tools as
UTF-8 with or without a BOM. Headers vary ("町名", "町丁名", " 町 名 "), so callers
declare the spellings they accept per canonical field, and every problem is reported
as an :class:`InputError` with the physical line number staff can look up.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from hiroba.lib.errors import InputError
from hiroba.lib.text import clean_text

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Python's cp932 decodes the stray bytes 0x80, 0xA0 and 0xFD-0xFF, which never occur
# in real Shift_JIS text, to these characters; seeing one means the guess was wrong.
_NOT_SHIFT_JIS = re.compile("[\x80\uf8f0-\uf8f3]")


@dataclass(frozen=True)
class CsvRow:
    """One data row: ``line`` is the 1-based physical line it starts on (header = 1)."""

    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class CsvTable:
    """The data rows, plus the canonical fields whose column was present in the header
    (absent optional fields still appear in ``values``, as "")."""

    rows: list[CsvRow]
    fields: frozenset[str] = field(default_factory=frozenset)

    def __iter__(self) -> Iterator[CsvRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def decode_csv_bytes(data: bytes) -> str:
    """Decode as UTF-8 (BOM optional) if valid, else as cp932, else csv_encoding.

    UTF-8 is tried first and strictly: cp932 accepts many byte sequences, so trying it
    first would turn UTF-8 files into mojibake instead of failing. NUL characters mean
    a binary or UTF-16 file, which is reported as an encoding problem too. Limitation:
    some other encodings (EUC-JP, Latin-1) can still decode as plausible-looking cp932
    mojibake; there is no reliable way to tell.
    """
    if not data.strip():
        raise InputError("csv_empty")
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or (encoding == "cp932" and _NOT_SHIFT_JIS.search(text)):
            break
        if not text.strip():
            raise InputError("csv_empty")
        return text
    raise InputError("csv_encoding")


def _header_key(header: str) -> str:
    """Header spelling as compared: NFKC, casefolded, without any whitespace."""
    return "".join(clean_text(header).casefold().split())


def _spelling_index(columns: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Map each accepted header spelling to its canonical field."""
    index: dict[str, str] = {}
    for name, spellings in columns.items():
        for spelling in spellings:
            key = _header_key(spelling)
            if index.get(key, name) != name:
                raise ValueError(f"header {spelling!r} is listed for {index[key]!r} and {name!r}")
            index[key] = name
    return index


def _map_header(
    header: list[str], columns: Mapping[str, Sequence[str]], required: Iterable[str]
) -> dict[str, int]:
    """Column position of each canonical field found in ``header``; checks required."""
    index = _spelling_index(columns)
    positions: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = index.get(_header_key(cell))
        if name is None:
            continue
        if name in positions:
            raise InputError(
                "csv_duplicate_column",
                {"field": name, "headers": [header[positions[name]], cell]},
            )
        positions[name] = position
    required_fields = list(required)
    unknown = [name for name in required_fields if name not in columns]
    if unknown:
        raise ValueError(f"required fields not in columns: {unknown}")
    missing = [name for name in columns if name in required_fields and name not in positions]
    if missing:
        raise InputError(
            "csv_missing_columns",
            {"missing": missing, "missing_headers": [columns[name][0] for name in missing]},
        )
    return positions


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, cells) per record; quoted fields may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError("csv_malformed", {"line": line, "detail": str(exc)}) from exc
        yield line, cells
        line = reader.line_num + 1


def _is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _row_values(
    cells: list[str], positions: Mapping[str, int], columns: Mapping[str, Sequence[str]]
) -> dict[str, str]:
    """Cleaned value of every declared field: "" when its column is absent or the row
    is too short, so callers never need to guard against missing keys."""
    values = dict.fromkeys(columns, "")
    for name, position in positions.items():
        if position < len(cells):
            values[name] = clean_text(cells[position])
    return values


def read_csv(
    data: bytes,
    *,
    columns: Mapping[str, Sequence[str]],
    required: Iterable[str],
    max_rows: int = 20000,
    header_search: int = 1,
) -> CsvTable:
    """Parse an uploaded CSV file into rows keyed by canonical field names.

    The first non-blank record is the header (see :func:`read_records` for
    ``header_search``). Unknown columns are ignored; cells are cleaned with
    :func:`hiroba.lib.text.clean_text`; cells missing from short rows are ""; blank rows
    are skipped and do not count towards ``max_rows``.
    """
    return read_records(
        _records(decode_csv_bytes(data)),
        columns=columns,
        required=required,
        max_rows=max_rows,
        header_search=header_search,
    )


def read_records(
    records: Iterable[tuple[int, list[str]]],
    *,
    columns: Mapping[str, Sequence[str]],
    required: Iterable[str],
    max_rows: int = 20000,
    header_search: int = 1,
) -> CsvTable:
    """Rows keyed by canonical field names from (line number, cells) records, so other
    tabular sources (an Excel sheet read by the caller) share the CSV rules.

    The header is the first of the first ``header_search`` non-blank records that has every
    required column: spreadsheets often carry a title row or two above the header
    ("令和5年度 利用者名簿"). Records above the header are ignored. When no candidate has the
    required columns, the first candidate's csv_missing_columns error is raised.
    """
    records = iter(records)
    required = list(required)
    positions: dict[str, int] | None = None
    first_error: InputError | None = None
    for _attempt in range(max(header_search, 1)):
        header = next((cells for _, cells in records if not _is_blank(cells)), None)
        if header is None:
            break
        try:
            positions = _map_header(header, columns, required)
            break
        except InputError as error:
            if error.code != "csv_missing_columns":
                raise
            first_error = first_error or error
    if positions is None:
        raise first_error or InputError("csv_empty")
    rows: list[CsvRow] = []
    for line, cells in records:
        if _is_blank(cells):
            continue
        if len(rows) == max_rows:
            raise InputError("csv_too_many_rows", {"max_rows": max_rows, "line": line})
        rows.append(CsvRow(line=line, values=_row_values(cells, positions, columns)))
    return CsvTable(rows=rows, fields=frozenset(positions))


def _cell(value: object, escape_formulas: bool) -> str:
    """Text for one cell; None is empty. Strings that Excel would run as a formula
    ("=HYPERLINK(...)", "+...", "-...", "@...") get a leading "'" (CSV injection)."""
    if value is None:
        return ""
    text = str(value)
    if escape_formulas and isinstance(value, str) and text.startswith(_FORMULA_TRIGGERS):
        return "'" + text
    return text


def write_csv(
    rows: Iterable[Sequence[object]],
    header: Sequence[str],
    *,
    encoding: str = "utf-8-sig",
    escape_formulas: bool = True,
) -> bytes:
    """Encode an export: CRLF line endings and, by default, UTF-8 with a BOM so that
    Excel detects the encoding. With ``encoding="cp932"`` a character that cannot be
    represented (e.g. "𠮷", "①" is fine) raises csv_unencodable naming the row as
    Excel numbers it (header = row 1) instead of silently writing "?".
    """
    codecs.lookup(encoding)  # an unknown encoding is a programming error: LookupError
    lines = [_format_row(header, escape_formulas=False)]
    lines += [_format_row(row, escape_formulas=escape_formulas) for row in rows]
    text = "".join(lines)
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        character = exc.object[exc.start : exc.end]
        row_number = _row_containing(lines, exc.start)
        raise InputError("csv_unencodable", {"row": row_number, "character": character}) from exc


def _format_row(row: Sequence[object], *, escape_formulas: bool) -> str:
    buffer = io.StringIO()
    cells = [_cell(value, escape_formulas) for value in row]
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


def _row_containing(lines: list[str], offset: int) -> int:
    """1-based row number of the character at ``offset`` in the joined ``lines``."""
    end = 0
    for row_number, line in enumerate(lines, start=1):
        end += len(line)
        if offset < end:
            return row_number
    return len(lines)
