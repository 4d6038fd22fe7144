"""Town-block (町丁) keys, used to map a family's address to the hub's district (地区).

Municipalities publish district tables per 町丁 ("さくら台2丁目 -> 北部地区"). Staff
type addresses as "さくら台２丁目３番４号", "さくら台二丁目3-4" or "さくら台2-3-4",
so both the table keys and the typed addresses are reduced to one canonical form:
NFKC, no spaces, Arabic chome numbers ("さくら台2丁目"), and the small ヶ for the
ケ/ヶ/ヵ written between kanji ("希望ケ丘" and "希望ヶ丘" are the same town).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from hiroba.lib.errors import InputError

MAX_CHOME = 99

_KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_NUMBER = re.compile(
    r"(?:(?P<tens>[一二三四五六七八九])?(?P<ten>十))?(?P<ones>[一二三四五六七八九])?"
)
_KANJI_CHOME = re.compile(r"(?P<number>[一二三四五六七八九十]+)丁目")
_DIGIT_CHOME = re.compile(r"(?P<number>\d+)丁目")
_TRAILING_CHOME = re.compile(r"(?P<number>\d+)丁目$")
_SMALL_KE = re.compile(r"(?<=[\u4e00-\u9fff])[ケヵ](?=[\u4e00-\u9fff])")
# Between digits ("2ー3"), any dash-like character, even the long vowel mark, is a "-".
_DASH_BETWEEN_DIGITS = re.compile(r"(?<=\d)[\u2010\u2012\u2013\u2014\u2015\u2212\u30fc](?=\d)")
_LEADING_POSTAL_CODE = re.compile(r"〒?\d{3}-?\d{4}")

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)  # fmt: skip


def kanji_number(text: str) -> int | None:
    """Value of a kanji numeral from 一 to 九十九 ("十" = 10, "二十三" = 23), else None."""
    match = _KANJI_NUMBER.fullmatch(text)
    if not text or not match:
        return None
    tens = _KANJI_DIGITS[match["tens"]] if match["tens"] else (1 if match["ten"] else 0)
    ones = _KANJI_DIGITS[match["ones"]] if match["ones"] else 0
    return tens * 10 + ones


def _normalize(text: str) -> str:
    """NFKC, no whitespace, unified dashes and ヶ, chome numbers as plain Arabic digits."""
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    compact = _DASH_BETWEEN_DIGITS.sub("-", compact)
    compact = _SMALL_KE.sub("ヶ", compact)
    compact = _KANJI_CHOME.sub(_kanji_chome_to_digits, compact)
    return _DIGIT_CHOME.sub(lambda match: f"{int(match['number'])}丁目", compact)


def _kanji_chome_to_digits(match: re.Match[str]) -> str:
    number = kanji_number(match["number"])
    return match[0] if number is None else f"{number}丁目"


def _parse_chome(chome: int | str) -> int:
    """1..99 from 2, "2", "２", "二", "2丁目", "二丁目"; anything else is chome_invalid."""
    if isinstance(chome, bool):
        raise InputError("chome_invalid", {"value": chome})
    if isinstance(chome, int):
        number: int | None = chome
    else:
        text = "".join(unicodedata.normalize("NFKC", chome).split()).removesuffix("丁目")
        number = int(text) if text.isascii() and text.isdigit() else kanji_number(text)
    if number is None or not 1 <= number <= MAX_CHOME:
        raise InputError("chome_invalid", {"value": chome})
    return number


def town_block_key(town: str, chome: int | str | None = None) -> str:
    """Canonical key "<town><n>丁目", or just "<town>" for towns without chome.

    ``chome`` may be an int or text in any usual form; a blank string counts as
    None because CSV columns for chome are often empty for towns without one. If
    ``town`` already ends in a chome, that suffix is normalised ("さくら台二丁目" ->
    "さくら台2丁目") and a different ``chome`` is rejected as chome_conflict.
    """
    normalized = _normalize(town)
    trailing = _TRAILING_CHOME.search(normalized)
    base = normalized[: trailing.start()] if trailing else normalized
    if not base:
        raise InputError("town_empty", {"value": town})
    existing = _parse_chome(trailing["number"]) if trailing else None
    if chome is None or (isinstance(chome, str) and not chome.strip()):
        return normalized if existing is None else f"{base}{existing}丁目"
    number = _parse_chome(chome)
    if existing is not None and existing != number:
        raise InputError("chome_conflict", {"town": town, "chome": chome})
    return f"{base}{number}丁目"


def _strip_leading_parts(address: str, strip_prefix: str | None) -> str:
    """Drop a leading postal code and prefecture, then ``strip_prefix`` if present."""
    postal_code = _LEADING_POSTAL_CODE.match(address)
    if postal_code:
        address = address[postal_code.end() :]
    address = _remove_prefecture(address)
    if strip_prefix:
        address = address.removeprefix(_remove_prefecture(_normalize(strip_prefix)))
    return address


def _remove_prefecture(text: str) -> str:
    for prefecture in PREFECTURES:
        if text.startswith(prefecture):
            return text.removeprefix(prefecture)
    return text


def _matches(address: str, key: str) -> bool:
    """Whether ``address`` lies in ``key``: "さくら台2丁目…" or "さくら台2-3-4"."""
    if address.startswith(key):
        return True
    trailing = _TRAILING_CHOME.search(key)
    if not trailing:
        return False
    short_form = key[: trailing.start()] + trailing["number"]
    rest = address.removeprefix(short_form)
    return rest != address and (rest == "" or rest.startswith("-"))


def find_town_block(
    address: str, known_keys: Iterable[str], *, strip_prefix: str | None = None
) -> str | None:
    """The longest known key that ``address`` starts with, returned as given, or None.

    A leading postal code and prefecture are ignored, and ``strip_prefix`` (e.g.
    "横浜市はなみずき区") is removed when the address starts with it. "さくら台2-3-4"
    matches the key "さくら台2丁目" ("2-" after the town means 2丁目), but "さくら台23-1"
    does not. Limitation: matching is by prefix, so if "さくら台" is unknown, an
    address there can match a shorter known key such as "さくら".
    """
    normalized = _strip_leading_parts(_normalize(address), strip_prefix)
    best: str | None = None
    best_length = 0
    for key in known_keys:
        if not key.strip():
            continue
        canonical = town_block_key(key)
        if len(canonical) > best_length and _matches(normalized, canonical):
            best, best_length = key, len(canonical)
    return best
