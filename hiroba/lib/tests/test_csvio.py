import codecs
import csv
import io

import pytest

from hiroba.lib.csvio import CsvRow, decode_csv_bytes, read_csv, write_csv
from hiroba.lib.errors import InputError

COLUMNS = {
    "town": ["町名", "町丁名", "town"],
    "district": ["地区", "地区名", "district"],
    "note": ["備考", "note"],
}
REQUIRED = ["town", "district"]


def read(data: bytes, **kwargs):
    options = {"columns": COLUMNS, "required": REQUIRED} | kwargs
    return read_csv(data, **options)


def error_of(func, *args, **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        func(*args, **kwargs)
    return info.value


SAMPLE = "町名,地区\r\nさくら台2丁目,北部地区\r\nみなと町,南部地区\r\n"


# decoding


def test_decode_utf8_without_bom():
    assert decode_csv_bytes(SAMPLE.encode("utf-8")) == SAMPLE


def test_decode_utf8_with_bom_drops_the_bom():
    assert decode_csv_bytes(SAMPLE.encode("utf-8-sig")) == SAMPLE


def test_decode_prefers_utf8_when_bytes_are_also_valid_cp932():
    text = "地区,北部地区\r\n"
    data = text.encode("utf-8")
    assert data.decode("cp932") == "蝨ｰ蛹ｺ,蛹鈴Κ蝨ｰ蛹ｺ\r\n"  # would-be mojibake
    assert decode_csv_bytes(data) == text


def test_decode_shift_jis_as_excel_saves_it():
    data = SAMPLE.encode("cp932")
    assert data != SAMPLE.encode("utf-8")
    assert decode_csv_bytes(data) == SAMPLE


def test_decode_cp932_specific_characters():
    text = "町名,備考\r\n髙島町,①番②号\r\n"  # NEC/IBM extensions of cp932
    assert decode_csv_bytes(text.encode("cp932")) == text


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b" ", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\n"])
def test_decode_empty(data):
    assert error_of(decode_csv_bytes, data).code == "csv_empty"


@pytest.mark.parametrize(
    "data",
    [
        b"\x81\x20abc",  # lead byte without a valid trail byte: invalid in both
        b"\x81\x81\xff\xfe\x80",  # bytes that never occur in Shift_JIS text
        "町名,地区\n".encode("utf-16"),  # NUL bytes
        b"abc\x00def",
    ],
)
def test_decode_unknown_encoding(data):
    assert error_of(decode_csv_bytes, data).code == "csv_encoding"


# reading


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_read_csv_in_each_encoding(encoding):
    table = read(SAMPLE.encode(encoding))
    assert [row.values for row in table.rows] == [
        {"town": "さくら台2丁目", "district": "北部地区", "note": ""},
        {"town": "みなと町", "district": "南部地区", "note": ""},
    ]
    assert [row.line for row in table.rows] == [2, 3]
    assert table.fields == frozenset({"town", "district"})
    assert len(table) == 2
    assert list(table) == table.rows


def test_read_csv_header_spellings_are_matched_loosely():
    data = " 町丁名 ,ＤＩＳＴＲＩＣＴ,備　考,extra\nさくら台,北部,メモ,ignored\n".encode("cp932")
    table = read(data)
    assert table.rows == [
        CsvRow(line=2, values={"town": "さくら台", "district": "北部", "note": "メモ"})
    ]
    assert table.fields == frozenset({"town", "district", "note"})


def test_read_csv_cleans_values():
    data = "町名,地区\n\u3000ｻｸﾗ台　２丁目 ,  北部  地区\n".encode()
    assert read(data).rows[0].values == {
        "town": "サクラ台 2丁目",
        "district": "北部 地区",
        "note": "",
    }


def test_read_csv_short_rows_and_column_order():
    data = "地区,備考,町名\n北部\n南部,メモ,みなと町\n".encode()
    rows = read(data).rows
    assert rows[0].values == {"town": "", "district": "北部", "note": ""}
    assert rows[1].values == {"town": "みなと町", "district": "南部", "note": "メモ"}


def test_read_csv_skips_blank_rows_but_keeps_physical_line_numbers():
    data = "\n町名,地区\n\nさくら台,北部\n , \n,,\nみなと町,南部\n".encode()
    table = read(data)
    assert [(row.line, row.values["town"]) for row in table.rows] == [
        (4, "さくら台"),
        (7, "みなと町"),
    ]


def test_read_csv_line_numbers_account_for_quoted_newlines():
    data = '町名,地区,備考\nさくら台,北部,"1行目\n2行目"\nみなと町,南部,\n'.encode()
    rows = read(data).rows
    assert rows[0].line == 2
    assert rows[0].values["note"] == "1行目 2行目"  # clean_text collapses the newline
    assert rows[1].line == 4


def test_read_csv_quoted_commas():
    data = '町名,地区\n"さくら台,東",北部\n'.encode()
    assert read(data).rows[0].values["town"] == "さくら台,東"


def test_read_csv_header_only_gives_no_rows():
    table = read("町名,地区\r\n".encode())
    assert table.rows == []
    assert table.fields == frozenset({"town", "district"})


def test_read_csv_missing_required_columns():
    error = error_of(read, "町名,備考\nさくら台,メモ\n".encode())
    assert error.code == "csv_missing_columns"
    assert error.params["missing"] == ["district"]
    assert error.params["missing_headers"] == ["地区"]


def test_read_csv_missing_several_columns_in_declaration_order():
    error = error_of(read, "備考\nメモ\n".encode())
    assert error.params["missing"] == ["town", "district"]


def test_read_csv_optional_columns_may_be_missing():
    table = read("町名,地区\nさくら台,北部\n".encode())
    assert "note" not in table.fields
    assert table.rows[0].values["note"] == ""


def test_read_csv_duplicate_column():
    error = error_of(read, "町名,town,地区\na,b,c\n".encode())
    assert error.code == "csv_duplicate_column"
    assert error.params == {"field": "town", "headers": ["町名", "town"]}


def test_read_csv_too_many_rows():
    body = "".join(f"町{i},地区{i}\n" for i in range(4))
    data = ("町名,地区\n" + body).encode()
    assert len(read(data, max_rows=4).rows) == 4
    error = error_of(read, data, max_rows=3)
    assert error.code == "csv_too_many_rows"
    assert error.params["max_rows"] == 3
    assert error.params["line"] == 5


def test_blank_rows_do_not_count_towards_max_rows():
    data = "町名,地区\na,b\n\n\n,\nc,d\n".encode()
    assert len(read(data, max_rows=2).rows) == 2


@pytest.mark.parametrize(
    ("data", "line"),
    [
        ('町名,地区\nさくら台,北部\n"みなと町,南部\n'.encode(), 3),  # unclosed quote
        ('町名,地区\n"さくら台"x,北部\n'.encode(), 2),  # garbage after closing quote
    ],
)
def test_read_csv_malformed(data, line):
    error = error_of(read, data)
    assert error.code == "csv_malformed"
    assert error.params["line"] == line


def test_read_csv_empty_and_encoding_errors_propagate():
    assert error_of(read, b"").code == "csv_empty"
    assert error_of(read, b"\n,\n , \n").code == "csv_empty"
    assert error_of(read, b"\xff\xfe\x80\x81").code == "csv_encoding"


def test_read_csv_programming_errors_are_not_input_errors():
    with pytest.raises(ValueError) as info:
        read(SAMPLE.encode(), required=["postal_code"])
    assert not isinstance(info.value, InputError)
    with pytest.raises(ValueError) as info:
        read_csv(SAMPLE.encode(), columns={"a": ["町名"], "b": ["町名"]}, required=[])
    assert not isinstance(info.value, InputError)


# writing


def test_write_csv_utf8_sig_with_bom_and_crlf():
    data = write_csv([["さくら台", 3, None]], ["町名", "件数", "備考"])
    assert data.startswith(codecs.BOM_UTF8)
    assert data == codecs.BOM_UTF8 + "町名,件数,備考\r\nさくら台,3,\r\n".encode()


def test_write_csv_quotes_when_needed_and_round_trips():
    rows = [["a,b", 'say "hi"', "line1\nline2"]]
    data = write_csv(rows, ["x", "y", "z"])
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert parsed == [["x", "y", "z"], ["a,b", 'say "hi"', "line1\nline2"]]


def test_write_csv_cp932():
    data = write_csv([["髙島町", "①"]], ["町名", "備考"], encoding="cp932")
    assert data == "町名,備考\r\n髙島町,①\r\n".encode("cp932")


def test_write_csv_cp932_unencodable_names_the_row():
    rows = [["さくら台"], ["𠮷野町"], ["みなと町"]]
    error = error_of(write_csv, rows, ["町名"], encoding="cp932")
    assert error.code == "csv_unencodable"
    assert error.params == {"row": 3, "character": "𠮷"}


def test_write_csv_escapes_formulas_in_text_cells():
    rows = [['=HYPERLINK("http://x")', "+81", "-1", "@SUM(A1)", "ok", -1, 2.5, "a=b"]]
    data = write_csv(rows, list("abcdefgh")).decode("utf-8-sig")
    cells = list(csv.reader(io.StringIO(data, newline="")))[1]
    assert cells == [
        '\'=HYPERLINK("http://x")',
        "'+81",
        "'-1",
        "'@SUM(A1)",
        "ok",
        "-1",
        "2.5",
        "a=b",
    ]


def test_write_csv_formula_escaping_can_be_disabled():
    data = write_csv([["=1+1"]], ["a"], escape_formulas=False)
    assert data.decode("utf-8-sig") == "a\r\n=1+1\r\n"


def test_write_csv_header_is_not_escaped():
    assert write_csv([], ["-a"]).decode("utf-8-sig") == "-a\r\n"


def test_write_csv_read_csv_round_trip():
    data = write_csv([["さくら台2丁目", "北部地区"]], ["町名", "地区"], encoding="cp932")
    table = read(data)
    assert table.rows[0].values == {"town": "さくら台2丁目", "district": "北部地区", "note": ""}


def test_write_csv_unknown_encoding_is_a_programming_error():
    with pytest.raises(LookupError):
        write_csv([], ["a"], encoding="no-such-codec")
