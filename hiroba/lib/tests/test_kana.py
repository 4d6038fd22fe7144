import pytest

from hiroba.lib.errors import InputError
from hiroba.lib.kana import (
    is_kana,
    kana_search_key,
    nfkc,
    normalize_furigana,
    to_hiragana,
    to_katakana,
)


def test_nfkc_widths():
    assert nfkc("ｱｲｳ１２３ＡＢＣ\u3000") == "アイウ123ABC "
    assert nfkc("ﾔﾏﾀﾞ") == "ヤマダ"


def test_to_hiragana():
    assert to_hiragana("ヤマダ ハナコ") == "やまだ はなこ"
    assert to_hiragana("ﾔﾏﾀﾞ ﾊﾟﾝ") == "やまだ ぱん"
    assert to_hiragana("サトー山田ABC") == "さとー山田ABC"


def test_to_katakana():
    assert to_katakana("やまだ はなこ") == "ヤマダ ハナコ"
    assert to_katakana("ｻﾄｳ") == "サトウ"
    assert to_katakana("ゔぁ") == "ヴァ"
    assert to_katakana("abc１") == "abc１"


@pytest.mark.parametrize(
    "text",
    [
        "ヤマダ ハナコ",
        "やまだ はなこ",
        "やまだ\u3000はなこ",
        "ﾔﾏﾀﾞ ﾊﾅｺ",
        "  ヤマダ \u3000 ハナコ  ",
        "ﾔﾏﾀﾞ\tﾊﾅｺ",
        "やまだ　ハナコ",
    ],
)
def test_normalize_furigana_variants(text):
    assert normalize_furigana(text) == "ヤマダ ハナコ"


def test_normalize_furigana_keeps_long_vowel_and_middle_dot():
    assert normalize_furigana("さとー") == "サトー"
    assert normalize_furigana("ｻﾄｰ") == "サトー"
    assert normalize_furigana("ｻﾄ-") == "サトー"
    assert normalize_furigana("スミス・ジョン") == "スミス・ジョン"
    assert normalize_furigana("ｽﾐｽ･ｼﾞｮﾝ") == "スミス・ジョン"
    assert normalize_furigana("ヴァレンタイン") == "ヴァレンタイン"
    assert normalize_furigana("ささゝ") == "ササヽ"


@pytest.mark.parametrize("text", ["", "   ", "\u3000\u3000"])
def test_normalize_furigana_empty(text):
    with pytest.raises(InputError) as info:
        normalize_furigana(text)
    assert info.value.code == "furigana_empty"


@pytest.mark.parametrize(
    ("text", "invalid"),
    [
        ("山田 はなこ", "山田"),
        ("yamada", "yamd"),
        ("ハナコ2", "2"),
        ("ハナコ１", "1"),
        ("ハナ。コ", "。"),
    ],
)
def test_normalize_furigana_rejects_non_kana(text, invalid):
    with pytest.raises(InputError) as info:
        normalize_furigana(text)
    assert info.value.code == "furigana_not_kana"
    assert info.value.params["invalid"] == invalid
    assert isinstance(info.value, ValueError)


def test_is_kana():
    assert is_kana("やまだ")
    assert is_kana("ヤマダ ハナコ")
    assert is_kana("ｻﾄｳ")
    assert is_kana("サトー・ハナ")
    assert is_kana("ゔぁ\u3000ヵ")
    assert not is_kana("")
    assert not is_kana("  ")
    assert not is_kana("山田")
    assert not is_kana("yamada")
    assert not is_kana("やまだ1")


@pytest.mark.parametrize(
    "text",
    [
        "さとう",
        "サトウ",
        "ｻﾄｳ",
        "satou",
        "SATOU",
        "sato",
        "Sato",
        "サトー",
        "さとお",
        "Satō",
        "satoh",
        "ｻﾄｰ",
    ],
)
def test_search_key_satou_variants_match(text):
    assert kana_search_key(text) == kana_search_key("さとう") == "さと"


@pytest.mark.parametrize("text", ["ohta", "oota", "ota", "おおた", "オオタ", "ｵｵﾀ", "おーた"])
def test_search_key_ota_variants_match(text):
    assert kana_search_key(text) == "おた"


@pytest.mark.parametrize(
    "text",
    [
        "やまだ はなこ",
        "ヤマダ　ハナコ",
        "ﾔﾏﾀﾞﾊﾅｺ",
        "yamada hanako",
        "YAMADA HANAKO",
        "ヤマダ・ハナコ",
    ],
)
def test_search_key_ignores_spaces_dots_and_case(text):
    assert kana_search_key(text) == "やまだはなこ"


def test_search_key_long_u_vowels():
    assert kana_search_key("yuuko") == kana_search_key("ゆうこ") == kana_search_key("yuko")
    assert kana_search_key("りゅうじ") == kana_search_key("ryuji") == "りゅじ"


def test_search_key_voiced_variants_and_small_kana():
    assert kana_search_key("つづき") == kana_search_key("tsuzuki") == "つずき"
    assert kana_search_key("ちぢみ") == "ちじみ"
    assert kana_search_key("きょうこ") == "きょこ"
    assert kana_search_key("きよこ") == "きよこ"  # small ょ is kept, so these differ
    assert kana_search_key("はっとり") == kana_search_key("hattori") == "はっとり"


def test_search_key_hepburn_spellings():
    assert kana_search_key("homma") == kana_search_key("ほんま") == "ほんま"
    assert kana_search_key("jun'ichi") == kana_search_key("じゅんいち")
    assert kana_search_key("shin-ichi") == kana_search_key("しんいち")
    assert kana_search_key("ohno") == kana_search_key("おおの") == "おの"


def test_search_key_documented_limitations():
    # "junichi" is read as じゅにち; the apostrophe form is needed for じゅんいち.
    assert kana_search_key("junichi") != kana_search_key("じゅんいち")
    # "ei" is not unified with "ee"/"ē".
    assert kana_search_key("けいこ") != kana_search_key("けーこ")
    # kanji are kept as they are
    assert kana_search_key("山田 花子") == "山田花子"


def test_search_key_lowercases_non_romaji_text():
    assert kana_search_key("ABC株式会社") == "abc株式会社"
    assert kana_search_key("ＡＢＣ") == kana_search_key("abc")


def test_search_key_distinguishes_different_names():
    assert kana_search_key("やまだ") != kana_search_key("やまた")
    assert kana_search_key("さとう") != kana_search_key("さいとう")
