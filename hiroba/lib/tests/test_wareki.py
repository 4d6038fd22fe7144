from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hiroba.lib.errors import InputError
from hiroba.lib.wareki import (
    ERAS,
    WarekiDate,
    format_contract_year,
    format_fiscal_year,
    format_wareki_date,
    format_wareki_year,
    parse_date,
    parse_fiscal_year,
    to_wareki,
)


def error_code(func, *args, **kwargs):
    with pytest.raises(InputError) as info:
        func(*args, **kwargs)
    return info.value.code


# to_wareki


def test_era_table():
    assert [(era.name, era.letter, era.start) for era in ERAS] == [
        ("明治", "M", date(1868, 1, 25)),
        ("大正", "T", date(1912, 7, 30)),
        ("昭和", "S", date(1926, 12, 25)),
        ("平成", "H", date(1989, 1, 8)),
        ("令和", "R", date(2019, 5, 1)),
    ]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2023, 4, 1), WarekiDate("令和", "R", 5, 4, 1)),
        (date(2019, 5, 1), WarekiDate("令和", "R", 1, 5, 1)),
        (date(2019, 4, 30), WarekiDate("平成", "H", 31, 4, 30)),
        (date(1989, 1, 8), WarekiDate("平成", "H", 1, 1, 8)),
        (date(1989, 1, 7), WarekiDate("昭和", "S", 64, 1, 7)),
        (date(1926, 12, 25), WarekiDate("昭和", "S", 1, 12, 25)),
        (date(1926, 12, 24), WarekiDate("大正", "T", 15, 12, 24)),
        (date(1912, 7, 30), WarekiDate("大正", "T", 1, 7, 30)),
        (date(1912, 7, 29), WarekiDate("明治", "M", 45, 7, 29)),
        (date(1873, 1, 1), WarekiDate("明治", "M", 6, 1, 1)),
    ],
)
def test_to_wareki_era_boundaries(day, expected):
    assert to_wareki(day) == expected


def test_to_wareki_is_frozen_and_labels_first_year():
    wareki = to_wareki(date(2019, 5, 1))
    assert wareki.year_label == "元"
    assert to_wareki(date(2020, 1, 1)).year_label == "2"
    with pytest.raises(AttributeError):
        wareki.era_year = 2  # type: ignore[misc]


def test_to_wareki_accepts_datetime():
    last_heisei_evening = datetime(2019, 4, 30, 14, 59, tzinfo=UTC)  # 23:59 JST
    assert to_wareki(last_heisei_evening) == WarekiDate("平成", "H", 31, 4, 30)
    first_reiwa_minute = datetime(2019, 4, 30, 15, 0, tzinfo=UTC)  # 00:00 JST
    assert to_wareki(first_reiwa_minute) == WarekiDate("令和", "R", 1, 5, 1)


def test_to_wareki_rejects_dates_before_gregorian_adoption():
    assert error_code(to_wareki, date(1872, 12, 31)) == "date_too_early"


# format_wareki_date


def test_format_long():
    assert format_wareki_date(date(2023, 4, 1)) == "令和5年4月1日"
    assert format_wareki_date(date(2019, 5, 1)) == "令和元年5月1日"
    assert format_wareki_date(date(1989, 1, 7), style="long") == "昭和64年1月7日"


def test_format_short_uses_digit_for_first_year():
    assert format_wareki_date(date(2023, 4, 1), style="short") == "R5.4.1"
    assert format_wareki_date(date(2019, 5, 1), style="short") == "R1.5.1"
    assert format_wareki_date(date(2019, 4, 30), style="short") == "H31.4.30"


def test_format_long_weekday():
    assert format_wareki_date(date(2023, 4, 1), style="long_weekday") == "令和5年4月1日(土)"
    assert format_wareki_date(date(2019, 5, 1), style="long_weekday") == "令和元年5月1日(水)"


def test_format_long_weekday_of_aware_datetime_uses_japan_date():
    evening_utc = datetime(2023, 3, 31, 15, 0, tzinfo=UTC)  # 2023-04-01 00:00 JST
    assert format_wareki_date(evening_utc, style="long_weekday") == "令和5年4月1日(土)"


def test_format_unknown_style_is_a_programming_error():
    with pytest.raises(ValueError) as info:
        format_wareki_date(date(2023, 4, 1), style="medium")  # type: ignore[arg-type]
    assert not isinstance(info.value, InputError)


# format_wareki_year


def test_format_wareki_year_for_plain_year_uses_era_at_year_end():
    assert format_wareki_year(2019) == "令和元年"
    assert format_wareki_year(2023) == "令和5年"
    assert format_wareki_year(1989) == "平成元年"
    assert format_wareki_year(1926) == "昭和元年"
    assert format_wareki_year(1873) == "明治6年"


def test_format_wareki_year_for_date_uses_era_of_date():
    assert format_wareki_year(date(2019, 4, 30)) == "平成31年"
    assert format_wareki_year(date(2019, 5, 1)) == "令和元年"


def test_format_wareki_year_too_early():
    assert error_code(format_wareki_year, 1872) == "date_too_early"


# format_fiscal_year


@pytest.mark.parametrize(
    ("fy", "expected"),
    [(2019, "平成31年度"), (2020, "令和2年度"), (2023, "令和5年度"), (1989, "平成元年度")],
)
def test_format_fiscal_year_uses_era_on_april_first(fy, expected):
    assert format_fiscal_year(fy) == expected


def test_format_fiscal_year_styles():
    assert format_fiscal_year(2023, style="wareki") == "令和5年度"
    assert format_fiscal_year(2023, style="short") == "R5年度"
    assert format_fiscal_year(2019, style="short") == "H31年度"
    assert format_fiscal_year(2023, style="seireki") == "2023年度"
    assert format_fiscal_year(2023, style="both") == "2023年度（令和5年度）"


def test_format_fiscal_year_errors():
    assert error_code(format_fiscal_year, 1872) == "fiscal_year_out_of_range"
    with pytest.raises(ValueError):
        format_fiscal_year(2023, style="nengo")  # type: ignore[arg-type]


# format_contract_year


def test_format_contract_year_uses_full_width_slash():
    assert format_contract_year(4, 5) == "4年度目\uff0f5か年度"
    assert format_contract_year(1, 3) == "1年度目／3か年度"


@pytest.mark.parametrize(("n", "term"), [(0, 5), (6, 5), (1, 0)])
def test_format_contract_year_rejects_out_of_term(n, term):
    with pytest.raises(ValueError):
        format_contract_year(n, term)


# parse_date


@pytest.mark.parametrize(
    "text",
    [
        "R5.4.1",
        "r5/4/1",
        "R05.04.01",
        "R5-4-1",
        "令和5年4月1日",
        "令和５年４月１日",
        "Ｒ５．４．１",
        "ｒ５／４／１",
        "R5年4月1日",
        "令和5.4.1",
        " R 5 . 4 . 1 ",
        "令和5年\u30004月1日",
        "\u32ff5.4.1",  # ㋿ square era ligature
        "令和5年4月1日(土)",
        "令和5年4月1日（土曜日）",
        "2023-04-01",
        "2023/4/1",
        "2023.4.1",
        "2023年4月1日",
        "2023年4月1",
        "20230401",
        "２０２３－０４－０１",
        "２０２３ー０４ー０１",  # IME long vowel mark typed for "-"
        "2023\u22124\u22121",  # minus sign
        "２０２３０４０１",
    ],
)
def test_parse_date_accepts_many_forms_of_2023_04_01(text):
    assert parse_date(text) == date(2023, 4, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("S64.1.7", date(1989, 1, 7)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("\u337b元年1月8日", date(1989, 1, 8)),  # ㍻
        ("T1.7.30", date(1912, 7, 30)),
        ("M45.7.29", date(1912, 7, 29)),
        ("明治6年1月1日", date(1873, 1, 1)),
        ("t15.12.24", date(1926, 12, 24)),
        ("S1.12.25", date(1926, 12, 25)),
    ],
)
def test_parse_date_era_boundaries(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_parse_date_empty(text):
    assert error_code(parse_date, text) == "date_empty"


@pytest.mark.parametrize(
    "text", ["abc", "2023", "23/4/1", "X5.4.1", "令和5年", "2023-04", "2023-4-1-1", "R5..4.1"]
)
def test_parse_date_format(text):
    assert error_code(parse_date, text) == "date_format"


@pytest.mark.parametrize(
    "text", ["2023-02-30", "2023-13-01", "R5.2.29", "令和5年4月31日", "00000101"]
)
def test_parse_date_invalid(text):
    assert error_code(parse_date, text) in {"date_invalid", "date_too_early"}
    if text != "00000101":
        assert error_code(parse_date, text) == "date_invalid"


@pytest.mark.parametrize(
    "text",
    ["H31.5.1", "R1.4.30", "R0.5.1", "R00.5.1", "S64.1.8", "T15.12.25", "S1.12.24", "H100.1.1"],
)
def test_parse_date_era_out_of_range(text):
    assert error_code(parse_date, text) == "era_out_of_range"


def test_era_out_of_range_params_name_the_valid_span():
    with pytest.raises(InputError) as info:
        parse_date("H31.5.1")
    assert info.value.params["era"] == "平成"
    assert info.value.params["first"] == "1989-01-08"
    assert info.value.params["last"] == "2019-04-30"
    assert info.value.params["value"] == "H31.5.1"


@pytest.mark.parametrize("text", ["1872-12-31", "M5.12.31", "明治元年1月1日", "1800/1/1"])
def test_parse_date_too_early(text):
    assert error_code(parse_date, text) == "date_too_early"


def test_parse_date_weekday_must_match():
    assert error_code(parse_date, "令和5年4月1日(日)") == "date_weekday_mismatch"
    assert error_code(parse_date, "2023/4/1(月)") == "date_weekday_mismatch"


def test_parse_date_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_date("nonsense")


# parse_fiscal_year


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和5年度", 2023),
        ("R5年度", 2023),
        ("R5", 2023),
        ("r5", 2023),
        ("Ｒ５年度", 2023),
        ("令和５年度", 2023),
        ("令和元年度", 2019),
        ("平成31年度", 2019),
        ("平成元年度", 1989),
        ("2023年度", 2023),
        ("2023", 2023),
        ("２０２３年度", 2023),
        ("２０２３", 2023),
        (" 2023 年度 ", 2023),
        ("FY2023", 2023),
        ("令和5年", 2023),
    ],
)
def test_parse_fiscal_year(text, expected):
    assert parse_fiscal_year(text) == expected


def test_parse_fiscal_year_errors():
    assert error_code(parse_fiscal_year, "") == "fiscal_year_empty"
    assert error_code(parse_fiscal_year, "\u3000") == "fiscal_year_empty"
    assert error_code(parse_fiscal_year, "来年度") == "fiscal_year_format"
    assert error_code(parse_fiscal_year, "23年度") == "fiscal_year_format"
    assert error_code(parse_fiscal_year, "平成32年度") == "era_out_of_range"
    assert error_code(parse_fiscal_year, "令和0年度") == "era_out_of_range"
    assert error_code(parse_fiscal_year, "1872年度") == "fiscal_year_out_of_range"
    assert error_code(parse_fiscal_year, "明治5年度") == "fiscal_year_out_of_range"
    assert error_code(parse_fiscal_year, "9999") == "fiscal_year_out_of_range"


@given(st.integers(min_value=1873, max_value=2100), st.sampled_from(["wareki", "short", "seireki"]))
def test_fiscal_year_round_trip(fy, style):
    assert parse_fiscal_year(format_fiscal_year(fy, style=style)) == fy


# round trip


@given(
    st.dates(min_value=date(1873, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(["long", "short", "long_weekday"]),
)
def test_parse_date_round_trips_formatted_dates(day, style):
    assert parse_date(format_wareki_date(day, style=style)) == day


@given(st.dates(min_value=date(1873, 1, 1), max_value=date(2100, 12, 31)))
def test_parse_date_round_trips_iso_and_compact_forms(day):
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%Y%m%d")) == day
