import pytest

from hiroba.lib.address import find_town_block, kanji_number, town_block_key
from hiroba.lib.errors import InputError


def error_code(func, *args, **kwargs):
    with pytest.raises(InputError) as info:
        func(*args, **kwargs)
    return info.value.code


@pytest.mark.parametrize(
    ("text", "value"),
    [("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("二十", 20), ("二十三", 23), ("九十九", 99)],
)
def test_kanji_number(text, value):
    assert kanji_number(text) == value


@pytest.mark.parametrize("text", ["", "百", "十十", "一二", "二十十", "〇", "2"])
def test_kanji_number_rejects_other_forms(text):
    assert kanji_number(text) is None


@pytest.mark.parametrize("chome", [2, "2", "２", "二", "2丁目", "二丁目", "２丁目", " 2 ", "02"])
def test_town_block_key_with_chome(chome):
    assert town_block_key("さくら台", chome) == "さくら台2丁目"


@pytest.mark.parametrize(
    ("town", "expected"),
    [
        ("さくら台", "さくら台"),
        (" さくら 台\u3000", "さくら台"),
        ("さくら台二丁目", "さくら台2丁目"),
        ("さくら台２丁目", "さくら台2丁目"),
        ("さくら台 2 丁目", "さくら台2丁目"),
        ("さくら台十二丁目", "さくら台12丁目"),
        ("さくら台二十三丁目", "さくら台23丁目"),
        ("ﾆｭｰﾀｳﾝ", "ニュータウン"),
        ("希望ケ丘", "希望ヶ丘"),
        ("希望ヵ丘", "希望ヶ丘"),
        ("ケ谷", "ケ谷"),  # ケ is only unified between kanji
    ],
)
def test_town_block_key_normalizes_town(town, expected):
    assert town_block_key(town) == expected


def test_town_block_key_blank_chome_means_none():
    assert town_block_key("さくら台", "") == "さくら台"
    assert town_block_key("さくら台", "\u3000") == "さくら台"
    assert town_block_key("さくら台", None) == "さくら台"


def test_town_block_key_chome_matching_the_suffix_is_accepted():
    assert town_block_key("さくら台二丁目", 2) == "さくら台2丁目"


def test_town_block_key_errors():
    assert error_code(town_block_key, "") == "town_empty"
    assert error_code(town_block_key, "\u3000") == "town_empty"
    assert error_code(town_block_key, "二丁目") == "town_empty"
    assert error_code(town_block_key, "さくら台", 0) == "chome_invalid"
    assert error_code(town_block_key, "さくら台", 100) == "chome_invalid"
    assert error_code(town_block_key, "さくら台", -1) == "chome_invalid"
    assert error_code(town_block_key, "さくら台", True) == "chome_invalid"
    assert error_code(town_block_key, "さくら台", "百") == "chome_invalid"
    assert error_code(town_block_key, "さくら台", "2-3") == "chome_invalid"
    assert error_code(town_block_key, "さくら台", "abc") == "chome_invalid"
    assert error_code(town_block_key, "さくら台0丁目") == "chome_invalid"
    assert error_code(town_block_key, "さくら台二丁目", 3) == "chome_conflict"


KEYS = ["さくら台", "さくら台1丁目", "さくら台2丁目", "みなと町", "希望ヶ丘3丁目"]


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("さくら台2-3-4", "さくら台2丁目"),
        ("さくら台２丁目３番４号", "さくら台2丁目"),
        ("さくら台二丁目3-4", "さくら台2丁目"),
        ("さくら台２－３－４", "さくら台2丁目"),
        ("さくら台2ー3ー4", "さくら台2丁目"),
        ("さくら台 2-3-4 コーポ101", "さくら台2丁目"),
        ("さくら台2", "さくら台2丁目"),
        ("さくら台1丁目", "さくら台1丁目"),
        ("さくら台23-1", "さくら台"),  # not 2丁目; only the town matches
        ("さくら台10-1", "さくら台"),
        ("さくら台", "さくら台"),
        ("みなと町5番地", "みなと町"),
        ("希望ケ丘3-1", "希望ヶ丘3丁目"),
        ("希望ヶ丘三丁目1番", "希望ヶ丘3丁目"),
        ("どこか町1-2", None),
        ("", None),
    ],
)
def test_find_town_block(address, expected):
    assert find_town_block(address, KEYS) == expected


def test_find_town_block_prefers_the_longest_key():
    assert find_town_block("さくら台2-3", ["さくら台", "さくら台2丁目"]) == "さくら台2丁目"
    assert find_town_block("さくら台2-3", ["さくら台2丁目", "さくら台"]) == "さくら台2丁目"


def test_find_town_block_without_chome_keys_has_no_match_for_other_towns():
    assert find_town_block("さくら台2-3-4", ["さくら台1丁目"]) is None


def test_find_town_block_returns_key_as_given():
    assert find_town_block("さくら台2-3", ["さくら台二丁目"]) == "さくら台二丁目"
    assert find_town_block("さくら台2-3", [" さくら台２丁目 "]) == " さくら台２丁目 "


def test_find_town_block_skips_blank_keys():
    assert find_town_block("さくら台2-3", ["", "  ", "さくら台2丁目"]) == "さくら台2丁目"


@pytest.mark.parametrize(
    "address",
    [
        "横浜市はなみずき区さくら台2-3-4",
        "横浜市　はなみずき区　さくら台２丁目３番４号",
        "神奈川県横浜市はなみずき区さくら台二丁目3-4",
        "〒225-0002 神奈川県横浜市はなみずき区さくら台2-3-4",
        "〒２２５－０００２　横浜市はなみずき区さくら台2-3-4",
        "さくら台2-3-4",
    ],
)
def test_find_town_block_strips_prefix(address):
    found = find_town_block(address, KEYS, strip_prefix="横浜市はなみずき区")
    assert found == "さくら台2丁目"


def test_find_town_block_strip_prefix_may_include_prefecture():
    found = find_town_block(
        "神奈川県横浜市はなみずき区さくら台2-3",
        KEYS,
        strip_prefix="神奈川県 横浜市 はなみずき区",
    )
    assert found == "さくら台2丁目"


def test_find_town_block_other_city_is_not_stripped():
    assert (
        find_town_block("川崎市中原区さくら台2-3", KEYS, strip_prefix="横浜市はなみずき区") is None
    )


def test_find_town_block_katakana_town_with_long_vowel():
    keys = ["ニュータウン3丁目"]
    assert find_town_block("ﾆｭｰﾀｳﾝ3-2-1", keys) == "ニュータウン3丁目"
    assert find_town_block("ニュータウン３ー２ー１", keys) == "ニュータウン3丁目"
