"""Report tables and their files: XLSX (an "about" sheet, a sheet per table with Excel-safe
unique titles, bold header and total, sized columns, numbers as numbers, formula-like text as
text), CSV (UTF-8 with BOM, formulas escaped) and Japanese file names with an ASCII fallback."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from hiroba.core import tables
from hiroba.core.tables import About, Column, Table, text_column

EVIL = '=HYPERLINK("http://example.com","x")'
ABOUT = About("来館月報", (("Area", "はなみずきひろば"), ("Period", "2026年11月")))


@pytest.fixture(autouse=True)
def _english(english):
    """Sheet and header labels ("Report") are asserted in English."""


def _table(title="会場別", *, total=True) -> Table:
    table = Table(
        "venues",
        title,
        [text_column("venue", "会場"), Column("pairs", "Groups"), text_column("from", "From")],
    )
    table.rows = [[EVIL, 3, date(2026, 11, 1)], ["ひろば", None, date(2026, 11, 2)]]
    table.total = ["Total", 3, ""] if total else None
    return table


def _book(*tables_, about=ABOUT):
    return load_workbook(io.BytesIO(tables.xlsx_bytes(list(tables_), about)))


def _csv_rows(*tables_, about=ABOUT) -> list[list[str]]:
    data = tables.csv_bytes(list(tables_), about)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_table_rows_cells_and_total():
    table = _table()
    assert table.all_rows == [*table.rows, ["Total", 3, ""]]
    assert table.cells[0][1] == (table.columns[1], 3)
    assert table.total_cells[0] == (table.columns[0], "Total")
    untotalled = _table(total=False)
    assert untotalled.all_rows == untotalled.rows and untotalled.total_cells == []
    assert untotalled.all_rows is not untotalled.rows  # callers may extend it safely


def test_text_columns_are_not_numeric():
    assert text_column("venue", "会場") == Column("venue", "会場", numeric=False)
    assert Column("pairs", "Groups").numeric


@dataclass
class _Figures:
    pairs: int
    people: int


MEASURES = [Column("pairs", "Groups"), Column("people", "People")]


def test_figures_table_reads_each_measure_by_its_column_key():
    labels = [text_column("venue", "会場"), text_column("kind", "Kind")]
    rows = [(["ひろば", "room"], _Figures(3, 7)), (["公園", "park"], _Figures(0, 0))]
    table = tables.figures_table("venues", "会場別", labels, MEASURES, rows)
    assert (table.key, table.title) == ("venues", "会場別")
    assert [c.key for c in table.columns] == ["venue", "kind", "pairs", "people"]
    assert table.rows == [["ひろば", "room", 3, 7], ["公園", "park", 0, 0]]
    assert table.total is None


def test_figures_table_adds_columns_after_the_figures_and_a_total():
    after = [Column("registrations", "New registrations")]
    table = tables.figures_table(
        "months",
        "By month",
        [text_column("month", "Month")],
        MEASURES,
        [(["4月"], _Figures(1, 2), [5]), (["5月"], _Figures(2, 3), [None])],
        after=after,
        total=(["Total"], _Figures(3, 5), [5]),
    )
    assert [c.key for c in table.columns] == ["month", "pairs", "people", "registrations"]
    assert table.rows == [["4月", 1, 2, 5], ["5月", 2, 3, None]]
    assert table.total == ["Total", 3, 5, 5]


def test_xlsx_starts_with_what_the_file_is():
    book = _book(_table())
    about = book["Report"]
    assert [[c.value for c in row] for row in about.iter_rows()] == [
        ["Report", "来館月報"],
        ["Area", "はなみずきひろば"],
        ["Period", "2026年11月"],
    ]
    assert all(c.font.bold for c in about[1]) and not about["A3"].font.bold
    assert book.properties.title == "来館月報 はなみずきひろば 2026年11月"


def test_xlsx_sheet_holds_the_table_as_typed_values():
    sheet = _book(_table())["会場別"]
    assert [c.value for c in sheet[1]] == ["会場", "Groups", "From"]
    assert all(c.font.bold for c in sheet[1])
    evil = sheet["A2"]
    assert evil.value == EVIL and evil.data_type == "s"  # text, never a formula
    assert sheet["B2"].value == 3 and sheet["B2"].data_type == "n"
    assert sheet["C2"].value.date() == date(2026, 11, 1)
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["B3"].value is None  # no figure stays empty
    assert sheet.freeze_panes == "B2"


def test_only_a_total_row_is_bold():
    totalled = _book(_table())["会場別"]
    assert [c.font.bold for c in totalled[4]][:2] == [True, True]
    assert not totalled["A3"].font.bold
    plain = _book(_table(total=False))["会場別"]
    assert plain.max_row == 3 and not plain["A3"].font.bold


def test_column_widths_count_full_width_characters_twice_within_bounds():
    table = Table("t", "幅", [text_column("a", "a"), text_column("b", "b"), text_column("c", "c")])
    table.rows = [["あいう", "x", "y" * 100]]
    sheet = _book(table)["幅"]
    assert sheet.column_dimensions["A"].width == 8  # 6 + 2 is the minimum of 8
    assert sheet.column_dimensions["B"].width == 8
    assert sheet.column_dimensions["C"].width == 48  # at most 48
    wide = Table("w", "w", [text_column("a", "a")], rows=[["ひろばの会場名です"]])
    assert _book(wide)["w"].column_dimensions["A"].width == 9 * 2 + 2


def test_sheet_titles_are_valid_unique_and_short():
    long_title = "あ" * 40
    book = _book(
        _table("By venue"),
        _table("By venue"),
        _table("Report"),
        _table("a/b:c*d?[e]\\f"),
        _table(long_title),
        _table(long_title),
        _table("  "),
    )
    assert book.sheetnames == [
        "Report",
        "By venue",
        "By venue (2)",
        "Report (2)",
        "a b c d  e  f",
        "あ" * 31,
        "あ" * 27 + " (2)",
        "Sheet",
    ]
    assert all(len(name) <= tables.SHEET_TITLE_MAX for name in book.sheetnames)


def test_csv_lists_what_the_file_is_then_the_tables():
    rows = _csv_rows(_table(), _table("二つ目", total=False))
    assert rows[:3] == [["来館月報"], ["はなみずきひろば"], ["2026年11月"]]
    assert rows[3:9] == [
        [],
        ["会場別"],
        ["会場", "Groups", "From"],
        ["'" + EVIL, "3", "2026-11-01"],
        ["ひろば", "", "2026-11-02"],
        ["Total", "3", ""],
    ]
    assert rows[9:] == [[], ["二つ目"], ["会場", "Groups", "From"], rows[6], rows[7]]


def test_csv_escapes_formula_like_text_everywhere_but_the_kind():
    about = About("=kind", (("Area", "+area"),))
    table = Table("t", "@title", [text_column("a", "-label")], rows=[["=1+1"]])
    rows = _csv_rows(table, about=about)
    assert rows == [["=kind"], ["'+area"], [], ["'@title"], ["'-label"], ["'=1+1"]]


def test_export_bytes_picks_the_format():
    assert tables.export_bytes([_table()], ABOUT, "csv") == tables.csv_bytes([_table()], ABOUT)
    assert tables.export_bytes([_table()], ABOUT, "xlsx")[:2] == b"PK"
    assert set(tables.CONTENT_TYPES) == {"xlsx", "csv"}
    with pytest.raises(ValueError, match="pdf"):
        tables.export_bytes([_table()], ABOUT, "pdf")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("はなみずき ひろば", "はなみずき_ひろば"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("  ひろば\u3000東 ", "ひろば_東"),
        ("拠点A", "拠点A"),
    ],
)
def test_file_name_part_drops_what_file_systems_refuse(text, expected):
    assert tables.file_name_part(text) == expected


def test_attachment_disposition_sends_the_japanese_name_encoded():
    header = tables.attachment_disposition("来館月報_ひろば_2026-11.csv", "hiroba-2026-11.csv")
    assert header.startswith("attachment; filename=\"hiroba-2026-11.csv\"; filename*=UTF-8''")
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert encoded.isascii() and " " not in encoded and "/" not in encoded
    assert unquote(encoded) == "来館月報_ひろば_2026-11.csv"


@pytest.mark.parametrize("ascii_name", ["ひろば.csv", 'a".csv', "a\\.csv", "a\r\n.csv"])
def test_attachment_disposition_refuses_an_unsafe_fallback_name(ascii_name):
    with pytest.raises(ValueError, match="ASCII"):
        tables.attachment_disposition("ok.csv", ascii_name)
