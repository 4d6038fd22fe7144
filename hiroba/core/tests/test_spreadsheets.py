"""Reading uploaded CSV and .xlsx tables along one path, and carrying them to the confirmation."""

from __future__ import annotations

import io
from datetime import date, datetime, time

import openpyxl
import pytest
from django.utils import translation

from hiroba.core import spreadsheets
from hiroba.core.spreadsheets import (
    PreviewRefused,
    SpreadsheetError,
    UploadExpired,
    cell_text,
    pack_upload,
    previewed_upload,
    read_table,
    unpack_upload,
)

COLUMNS = {"date": ["日付", "date"], "count": ["人数", "count"]}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _xlsx(*rows, hide_first=False) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if hide_first:
        sheet.append(["隠れたシート"])
        sheet.sheet_state = "hidden"
        sheet = workbook.create_sheet("見えるシート")
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _read(data: bytes, max_rows: int = 100):
    return read_table(data, columns=COLUMNS, required=["date"], max_rows=max_rows)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (datetime(2023, 4, 1), "2023-04-01"),
        (datetime(2023, 4, 1, 9, 30), "2023-04-01 09:30:00"),
        (date(2023, 4, 1), "2023-04-01"),
        (time(9, 30), "09:30:00"),
        (12.0, "12"),
        (1.5, "1.5"),
        (9012345678, "9012345678"),
        (True, "1"),
        ("ｶﾅ", "ｶﾅ"),
    ],
)
def test_cells_become_the_text_a_csv_would_hold(value, text):
    assert cell_text(value) == text


def test_csv_and_xlsx_give_the_same_rows():
    csv = "日付,人数\r\n2023-04-01,12\r\n".encode("cp932")
    xlsx = _xlsx(["日付", "人数"], [datetime(2023, 4, 1), 12])
    assert [r.values for r in _read(csv)] == [r.values for r in _read(xlsx)]
    assert [r.line for r in _read(xlsx)] == [2]


def test_the_first_visible_sheet_is_read_and_title_rows_are_skipped():
    table = _read(_xlsx(["年度の集計"], [], ["日付", "人数"], ["R5.4.1", 3], hide_first=True))
    assert [(r.line, r.values["date"]) for r in table] == [(4, "R5.4.1")]


def test_the_header_is_looked_for_in_the_first_rows_only():
    rows = [[f"タイトル{n}"] for n in range(6)]
    with pytest.raises(SpreadsheetError) as error:
        _read(_xlsx(*rows, ["日付", "人数"]))
    assert "missing these columns" in error.value.message


def test_a_workbook_too_large_when_unpacked_is_refused(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(SpreadsheetError) as error:
        _read(_xlsx(["日付"], ["R5.4.1"]))
    assert "too large when unpacked" in error.value.message


def test_the_row_limit_applies_to_workbooks():
    with pytest.raises(SpreadsheetError) as error:
        _read(_xlsx(["日付"], *[["R5.4.1"]] * 5), max_rows=3)
    assert error.value.message == "The file has more than 3 rows."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old Excel file"),
        (b"PK\x03\x04garbage", "not an Excel workbook"),
        ("日付\r\n".encode("utf-16"), "could not be read"),
    ],
)
def test_files_that_are_no_table(data, message):
    with pytest.raises(SpreadsheetError) as error:
        _read(data)
    assert message in error.value.message


def test_the_upload_survives_the_round_trip_and_tampering_is_caught():
    data = _xlsx(["日付"], ["R5.4.1"])
    token = pack_upload(data, {"hub": 3}, salt="test")
    assert unpack_upload(token, salt="test") == ({"hub": 3}, data)
    for bad in (token[:-2] + "xx", "", "junk"):
        with pytest.raises(UploadExpired):
            unpack_upload(bad, salt="test")
    with pytest.raises(UploadExpired):
        unpack_upload(token, salt="another import")


def test_a_preview_is_confirmed_only_at_its_own_hub():
    token = pack_upload(b"data", {"hub": 3, "replace": True}, salt="test")
    assert previewed_upload(token, salt="test", hub_id=3) == ({"hub": 3, "replace": True}, b"data")
    with pytest.raises(PreviewRefused):
        previewed_upload(token, salt="test", hub_id=4)
    with pytest.raises(PreviewRefused):
        previewed_upload("junk", salt="test", hub_id=3)
