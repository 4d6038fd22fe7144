"""Kana and character-width normalisation for furigana fields and name search.

Staff and parents type furigana in hiragana or katakana, full or half width
("ﾔﾏﾀﾞ"), sometimes in romaji, with ASCII or ideographic (U+3000) spaces. Stored
furigana is normalised to full-width katakana; search compares a looser key so
that "さとう", "サトウ", "ｻﾄｳ", "satou" and "sato" find the same person.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

from hiroba.lib.errors import InputError

# Dash-like characters typed instead of the long vowel mark (ASCII "-" after NFKC).
_DASH_TO_LONG_VOWEL = dict.fromkeys(map(ord, "-\u2010\u2012\u2013\u2014\u2015\u2212"), "ー")

_O_ROW = "おこごそぞとどのほぼぽもよろをょぉ"
_U_ROW = "うくぐすずつぬふぶぷむゆるゅぅゔ"
_O_LONG_VOWEL = re.compile(rf"([{_O_ROW}])[うお]+")
_U_LONG_VOWEL = re.compile(rf"([{_U_ROW}])う+")
_KEY_VARIANTS = str.maketrans({"ぢ": "じ", "づ": "ず", "を": "お", "ゐ": "い", "ゑ": "え"})
_KEY_DROPPED = re.compile(r"[\s・\-'ー]+")
_ROMAJI_SEPARATORS = re.compile(r"[\s\-・.]+")
_ROMAJI = re.compile(r"[a-z']*[a-z][a-z']*")
_HEPBURN_M = re.compile(r"m(?=[bmp])")


def nfkc(text: str) -> str:
    """Unicode NFKC: full-width ASCII to half width, half-width kana to full width."""
    return unicodedata.normalize("NFKC", text)


def to_hiragana(text: str) -> str:
    """Katakana (full or half width) to hiragana; other characters are left alone."""
    return jaconv.kata2hira(jaconv.h2z(text, kana=True, ascii=False, digit=False))


def to_katakana(text: str) -> str:
    """Hiragana and half-width katakana to full-width katakana; others left alone."""
    return jaconv.hira2kata(jaconv.h2z(text, kana=True, ascii=False, digit=False))


def _is_kana_char(char: str) -> bool:
    """Hiragana (incl. ゝゞ), katakana (incl. ヽヾ), the long vowel mark or "・"."""
    return (
        "\u3041" <= char <= "\u3096"
        or "\u309d" <= char <= "\u309e"
        or ("\u30a1" <= char <= "\u30fe")
    )


def is_kana(text: str) -> bool:
    """Whether ``text`` (after NFKC) is non-blank and only kana, ー, ・ and spaces."""
    chars = [char for char in nfkc(text) if not char.isspace()]
    return bool(chars) and all(_is_kana_char(char) for char in chars)


def normalize_furigana(text: str) -> str:
    """Furigana as stored: full-width katakana with single ASCII spaces between words.

    "やまだ　はなこ", "ﾔﾏﾀﾞ ﾊﾅｺ" and "ヤマダ  ハナコ" all become "ヤマダ ハナコ".
    Dashes typed for the long vowel mark ("ｻﾄ-") become "ー". Anything else that is
    not kana (kanji, Latin letters, digits) is rejected rather than silently dropped.
    """
    katakana = jaconv.hira2kata(nfkc(text).translate(_DASH_TO_LONG_VOWEL))
    normalized = " ".join(katakana.split())
    if not normalized:
        raise InputError("furigana_empty")
    invalid = [char for char in normalized if char != " " and not _is_kana_char(char)]
    if invalid:
        unique_invalid = "".join(dict.fromkeys(invalid))
        raise InputError("furigana_not_kana", {"value": text, "invalid": unique_invalid})
    return normalized


def kana_search_key(text: str) -> str:
    """A deliberately lossy key for tolerant name search; never store or display it.

    "さとう", "サトウ", "ｻﾄｳ", "サトー", "satou", "Satō", "satoh" and "sato" all give
    "さと"; "ohta", "oota", "ota", "オオタ" give "おた"; "yuuko", "ゆうこ" give "ゆこ".

    Steps: NFKC. If what remains is Latin letters only (diacritics such as ō are
    dropped; spaces, "-" and "." separate syllables) it is read as Hepburn romaji:
    "m" before b/m/p is read as "n" ("homma" -> ほんま), then
    ``jaconv.alphabet2kana`` converts it (it reads "oh" before a consonant or at the
    end as a long o: "satoh" -> さとう, "ohno" -> おおの). Otherwise
    katakana becomes hiragana and letters are lowercased. Then spaces, "・", "-",
    "'" and the long vowel mark ー are removed; ぢ/づ/を/ゐ/ゑ become じ/ず/お/い/え;
    and long vowels collapse: an o-row kana followed by う or お, and a u-row kana
    followed by う, lose the second vowel. Small kana (ゃ, っ) are kept.

    Limitations: romaji is ambiguous ("junichi" reads as じゅにち; "jun'ichi" or
    "junnichi" work); "ei"/"ee" are not unified; distinct names can collide (こうの
    and この both give この); kanji are kept as is, so a kanji name never matches
    its reading.
    """
    normalized = nfkc(text)
    romaji = _romaji_to_hiragana(normalized)
    key = romaji if romaji is not None else to_hiragana(normalized).lower()
    key = _KEY_DROPPED.sub("", key).translate(_KEY_VARIANTS)
    key = _O_LONG_VOWEL.sub(r"\1", key)
    return _U_LONG_VOWEL.sub(r"\1", key)


def _romaji_to_hiragana(text: str) -> str | None:
    """Hiragana for text made only of Latin letters (read as romaji), else None."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_marks = "".join(char for char in decomposed if not unicodedata.combining(char))
    candidate = _ROMAJI_SEPARATORS.sub("'", without_marks.strip().lower())
    if not _ROMAJI.fullmatch(candidate):
        return None
    return jaconv.alphabet2kana(_HEPBURN_M.sub("n", candidate)).replace("'", "")
