import pytest

from hiroba.core.imports import parse_town_block_csv

pytestmark = pytest.mark.usefixtures("english")


def _csv(text: str, encoding: str = "cp932") -> bytes:
    return text.replace("\n", "\r\n").encode(encoding)


def test_it_reads_an_excel_shift_jis_file_with_kanji_and_full_width_numbers():
    parsed = parse_town_block_csv(
        _csv(
            "町丁,地区\nさくら台１丁目,さくら台地区\nさくら台二丁目,さくら台地区\n,\n若葉台3丁目,若葉台地区\n"
        )
    )
    assert parsed.ok
    assert parsed.mapping == {
        "さくら台1丁目": "さくら台地区",
        "さくら台2丁目": "さくら台地区",
        "若葉台3丁目": "若葉台地区",
    }


def test_it_accepts_separate_town_and_chome_columns_in_utf8_with_bom():
    parsed = parse_town_block_csv(_csv("地区名,町名,丁目\nみずき野地区,みずき野,４\n", "utf-8-sig"))
    assert parsed.mapping == {"みずき野4丁目": "みずき野地区"}


def test_it_reports_every_bad_line_and_imports_nothing():
    parsed = parse_town_block_csv(
        _csv(
            "町丁,地区\nさくら台1丁目,さくら台地区\n,さくら台地区\nさくら台2丁目,\n"
            "さくら台1丁目,別の地区\n"
        )
    )
    assert not parsed.ok
    assert parsed.errors == [
        "Line 3: the town block is empty.",
        "Line 4: the district is empty.",
        "Line 5: さくら台1丁目 is already assigned to さくら台地区 on line 2.",
    ]


def test_it_names_missing_columns():
    parsed = parse_town_block_csv(_csv("町丁,区\nさくら台1丁目,はなみずき区\n"))
    assert not parsed.ok
    assert "地区" in parsed.errors[0]


def test_it_needs_a_town_column():
    parsed = parse_town_block_csv(_csv("地区,備考\nさくら台地区,x\n"))
    assert parsed.errors == ["The file needs a 町丁 column, or a 町名 column."]


@pytest.mark.parametrize("data", [b"", b"\xff\xfe\x00\x00binary"])
def test_it_refuses_empty_or_unreadable_files(data):
    parsed = parse_town_block_csv(data)
    assert not parsed.ok and len(parsed.errors) == 1


def test_an_empty_table_is_not_ok():
    assert parse_town_block_csv(_csv("町丁,地区\n")).errors == ["The file has no rows."]


def test_it_stops_listing_after_fifty_problems():
    rows = "".join(f",地区{i}\n" for i in range(80))
    parsed = parse_town_block_csv(_csv("町丁,地区\n" + rows))
    assert len(parsed.errors) == 51
    assert parsed.errors[-1] == "…and 30 more problems."


def test_overlong_names_are_errors_not_crashes():
    parsed = parse_town_block_csv(
        _csv("町丁,地区\nさくら台1丁目," + "長" * 51 + "\n" + "町" * 61 + ",地区\n")
    )
    assert parsed.errors == [
        "Line 2: the district name is longer than 50 characters.",
        "Line 3: the town block is longer than 60 characters.",
    ]
