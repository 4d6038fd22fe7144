import pytest

from hiroba.lib.errors import InputError
from hiroba.lib.text import (
    clean_document_text,
    clean_multiline,
    clean_text,
    format_phone,
    format_postal_code,
    normalize_digits,
    normalize_email,
    normalize_phone,
    normalize_postal_code,
)


def error_code(func, *args):
    with pytest.raises(InputError) as info:
        func(*args)
    return info.value.code


# clean_text / clean_multiline


def test_clean_text_normalizes_width_and_spaces():
    assert clean_text("  ＡＢＣ\u3000１２３  ｱｲｳ ") == "ABC 123 アイウ"
    assert clean_text("山田\u3000\u3000花子") == "山田 花子"
    assert clean_text("a\tb\r\nc\nd") == "a b c d"


def test_clean_text_removes_invisible_characters():
    assert clean_text("\ufeff山田\u200b花子\x00") == "山田花子"


def test_clean_text_empty():
    assert clean_text("") == ""
    assert clean_text(" \u3000\n") == ""


def test_clean_multiline_keeps_line_breaks():
    assert clean_multiline("１行目\u3000 です \r\n２行目") == "1行目 です\n2行目"
    assert clean_multiline("a\rb") == "a\nb"


def test_clean_multiline_collapses_blank_lines_and_trims():
    text = "\n\n  first  \n\n\n\n second\n \u3000\nthird\n\n"
    assert clean_multiline(text) == "first\n\nsecond\n\nthird"


def test_clean_multiline_empty():
    assert clean_multiline("\n \n\u3000") == ""


# normalize_digits


def test_normalize_digits_only_changes_digits():
    assert normalize_digits("１２３ａｂｃ４５") == "123ａｂｃ45"
    assert normalize_digits("電話０４５") == "電話045"
    assert normalize_digits("\u0661\u0662") == "12"  # Arabic-Indic digits
    assert normalize_digits("①") == "①"  # circled digits are not decimal digits


# phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("０４５－１２３－４５６７", "0451234567"),
        ("045(123)4567", "0451234567"),
        ("045 123 4567", "0451234567"),
        ("+81 45 123 4567", "0451234567"),
        ("+81-45-123-4567", "0451234567"),
        ("+81 (0)45 123 4567", "0451234567"),
        ("＋８１　９０　１２３４　５６７８", "09012345678"),
        ("09012345678", "09012345678"),
        ("090-1234-5678", "09012345678"),
        ("０９０ー１２３４ー５６７８", "09012345678"),
        ("03-1234-5678", "0312345678"),
        ("050-1234-5678", "05012345678"),
        ("070-1234-5678", "07012345678"),
        ("020-1234-5678", "02012345678"),
        ("0120-123-456", "0120123456"),
        ("0800-123-4567", "08001234567"),
        ("0570-123-456", "0570123456"),
        ("0466-12-3456", "0466123456"),
    ],
)
def test_normalize_phone(text, expected):
    assert normalize_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "123-456-7890",  # does not start with 0
        "0012345678",  # international prefix
        "045-123-456",  # 9 digits
        "045-1234-56789",  # 12 digits
        "0451234567８9",
        "04512345678",  # 11-digit landline
        "0901234567",  # mobile missing a digit
        "090-1234-567a",
        "+1 415 555 1234",
        "tel:0451234567",
    ],
)
def test_normalize_phone_invalid(text):
    assert error_code(normalize_phone, text) == "phone_invalid"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09012345678", "090-1234-5678"),
        ("０５０１２３４５６７８", "050-1234-5678"),
        ("0451234567", "045-123-4567"),
        ("0312345678", "03-1234-5678"),
        ("0612345678", "06-1234-5678"),
        ("0120123456", "0120-123-456"),
        ("0570123456", "0570-123-456"),
        ("08001234567", "0800-123-4567"),
        # display-only heuristic: 4-digit area codes are split as if they had 3
        ("0466123456", "046-612-3456"),
    ],
)
def test_format_phone(text, expected):
    assert format_phone(text) == expected


def test_format_phone_validates():
    assert error_code(format_phone, "12345") == "phone_invalid"


# postal code


@pytest.mark.parametrize(
    "text",
    ["〒２２５－０００２", "2250002", "225-0002", " 225 0002 ", "〒225ー0002", "２２５０００２"],
)
def test_normalize_postal_code(text):
    assert normalize_postal_code(text) == "2250002"


@pytest.mark.parametrize("text", ["", "225-000", "22500021", "225-000a", "〒", "２２５－００"])
def test_normalize_postal_code_invalid(text):
    assert error_code(normalize_postal_code, text) == "postal_code_invalid"


def test_format_postal_code():
    assert format_postal_code("2250002") == "225-0002"
    assert format_postal_code("〒２２５０００２") == "225-0002"
    assert error_code(format_postal_code, "123") == "postal_code_invalid"


# email


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Taro@Example.JP", "Taro@example.jp"),
        ("  hanako@example.com\u3000", "hanako@example.com"),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"),
        ("First.Last+tag@Mail.Example.CO.JP", "First.Last+tag@mail.example.co.jp"),
    ],
)
def test_normalize_email(text, expected):
    assert normalize_email(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "taro",
        "taro@",
        "@example.jp",
        "taro@@example.jp",
        "ta@ro@example.jp",
        "taro @example.jp",
        "taro@localhost",
        "taro@example.",
        "taro@.jp",
        "taro@example..jp",
    ],
)
def test_normalize_email_invalid(text):
    assert error_code(normalize_email, text) == "email_invalid"


def test_document_text_keeps_japanese_typography_and_fixes_only_what_is_broken():
    typed = "\ufeff（親子の居場所事業）①　４月～\u200b  \r\n\r\n\r\nｶﾀｶﾅ ＡＢＣ\n\n"
    assert clean_document_text(typed) == "（親子の居場所事業）①\u3000４月～\n\nカタカナ ＡＢＣ"
    assert clean_document_text("") == ""
