"""Furigana (ruby) for やさしい日本語: readings over every kanji word of a text or a page.

Readings come, in this order, from
1. the writer's own marks, the notation Japanese publishing uses: 「｜今日《きょう》」, or
   「今日《きょう》」 where the base is the run of kanji right before 《;
2. corrections kept by staff (``corrections``: word → reading), longest word first;
3. the day of a date, read as people say it (「3日」 after 「月」 is みっか, not にち);
4. pykakasi's dictionary, which is bundled with the package and works offline.

Kana around a word's kanji stays outside the ruby (食《た》べる, not 食べる《たべる》). Text in
HTML is taken as it is escaped: entities hold no kanji and pass through untouched.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from functools import lru_cache

import pykakasi

from hiroba.lib.kana import to_hiragana

KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ"
_HAS_KANJI = re.compile(f"[{KANJI}]")
KANA = "ぁ-ゖァ-ヺー"
# ｜base《reading》 or kanji《reading》 (the writer's own reading, in kana only: 《要予約》 is
# a bracket, not a reading).
_MARKED = re.compile(rf"｜([^｜《》\n]+)《([{KANA}]+)》|([{KANJI}]+)《([{KANA}]+)》")
# Runs the dictionary is asked about one by one when it stumbled over the whole text.
_WORD_RUNS = re.compile(rf"([{KANJI}]+[ぁ-ゖ]*)")
_DAY = re.compile(r"(?<=月)([0-9０-９]{1,2})日")
DAY_READINGS = {
    1: "ついたち",
    2: "ふつか",
    3: "みっか",
    4: "よっか",
    5: "いつか",
    6: "むいか",
    7: "なのか",
    8: "ようか",
    9: "ここのか",
    10: "とおか",
    14: "じゅうよっか",
    20: "はつか",
    24: "にじゅうよっか",
}
# Elements whose text is never given ruby: code, form values, the page's title, ruby itself.
_SKIPPED = {"script", "style", "textarea", "title", "option", "ruby", "head", "svg", "code", "pre"}
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9]+)")

Segment = tuple[str, str]  # (base, reading); reading "" means no ruby


def has_kanji(text: str) -> bool:
    return bool(_HAS_KANJI.search(text))


@lru_cache(maxsize=1)
def _kakasi():
    return pykakasi.kakasi()


def segments(text: str, corrections: Mapping[str, str] | None = None) -> list[Segment]:
    """``text`` cut into pieces, each with its reading where it holds kanji."""
    out: list[Segment] = []
    for piece, reading in _split_marked(text):
        if reading:
            out.append((piece, reading))
        else:
            out.extend(_corrected(piece, corrections or {}))
    return _joined(out)


def _joined(pieces: list[Segment]) -> list[Segment]:
    """Neighbouring pieces without a reading as one."""
    out: list[Segment] = []
    for base, reading in pieces:
        if out and not reading and not out[-1][1]:
            out[-1] = (out[-1][0] + base, "")
        else:
            out.append((base, reading))
    return out


def _split_marked(text: str) -> list[Segment]:
    out, last = [], 0
    for match in _MARKED.finditer(text):
        out.append((text[last : match.start()], ""))
        base = match[1] or match[3]
        out.append((base, to_hiragana(match[2] or match[4])))
        last = match.end()
    out.append((text[last:], ""))
    return [(base, reading) for base, reading in out if base]


def _corrected(text: str, corrections: Mapping[str, str]) -> list[Segment]:
    words = sorted((w for w in corrections if w and _HAS_KANJI.search(w)), key=len, reverse=True)
    if not words:
        return _dated(text)
    pattern = re.compile("|".join(re.escape(w) for w in words))
    out, last = [], 0
    for match in pattern.finditer(text):
        out.extend(_dated(text[last : match.start()]))
        out.append((match[0], to_hiragana(corrections[match[0]])))
        last = match.end()
    out.extend(_dated(text[last:]))
    return out


def _dated(text: str) -> list[Segment]:
    out, last = [], 0
    for match in _DAY.finditer(text):
        reading = DAY_READINGS.get(int(match[1]))
        if reading is None:
            continue
        out.extend(_dictionary(text[last : match.start()]))
        out.append((match[0], reading))
        last = match.end()
    out.extend(_dictionary(text[last:]))
    return out


@lru_cache(maxsize=8192)
def _dictionary(text: str) -> tuple[Segment, ...]:
    """pykakasi's readings, only where its words put together give back ``text``: it drops
    characters it does not know (髙, 﨑, emoji, half-width kana) and repeats a neighbour in
    their place, so a text it cannot follow is asked about word by word, and a word it
    cannot follow gets no ruby rather than a changed spelling."""
    if not _HAS_KANJI.search(text):
        return ((text, ""),) if text else ()
    whole = _faithful(text)
    if whole is not None:
        return whole
    out: list[Segment] = []
    for part in _WORD_RUNS.split(text):
        if part:
            out.extend(_faithful(part) or ((part, ""),))
    return tuple(out)


def _faithful(text: str) -> tuple[Segment, ...] | None:
    tokens = _kakasi().convert(text)
    if "".join(token["orig"] for token in tokens) != text:
        return None
    out: list[Segment] = []
    for token in tokens:
        out.extend(_okurigana_outside(token["orig"], token["hira"]))
    return tuple(out)


def _okurigana_outside(orig: str, reading: str) -> list[Segment]:
    """「食べる」 read たべる → 食 (た) + べる: kana the word shares with its reading at either
    end stays outside the ruby."""
    if not _HAS_KANJI.search(orig) or not reading or to_hiragana(orig) == reading:
        return [(orig, "")]
    plain = to_hiragana(orig)
    head = 0
    while head < len(orig) and not _HAS_KANJI.match(orig[head]) and plain[head] == reading[head]:
        head += 1
    tail = 0
    while (
        tail < len(orig) - head
        and not _HAS_KANJI.match(orig[-1 - tail])
        and len(reading) - tail > head
        and plain[-1 - tail] == reading[-1 - tail]
    ):
        tail += 1
    core, core_reading = orig[head : len(orig) - tail], reading[head : len(reading) - tail]
    out = [(orig[:head], ""), (core, core_reading), (orig[len(orig) - tail :], "")]
    return [(base, r) for base, r in out if base]


def without_marks(text: str) -> str:
    """The text with the writer's reading marks taken out (｜新羽《にっぱ》 → 新羽), for
    places that show no ruby: other languages' pages, feeds."""
    if "《" not in text:
        return text
    return _MARKED.sub(lambda m: m[1] or m[3], text)


def ruby(text: str, corrections: Mapping[str, str] | None = None) -> str:
    """Escaped HTML with <ruby> around each kanji word of plain ``text``."""
    return _markup(segments(html.escape(text), corrections))


def _markup(pieces: list[Segment]) -> str:
    return "".join(
        f"<ruby>{base}<rp>(</rp><rt>{html.escape(reading)}</rt><rp>)</rp></ruby>"
        if reading
        else base
        for base, reading in pieces
    )


def ruby_in_html(page: str, corrections: Mapping[str, str] | None = None) -> str:
    """Every text of an HTML page's body given ruby; tags, attributes and the text of
    ``_SKIPPED`` elements are left exactly as they were."""
    out, last, skipping = [], 0, 0
    for match in _TAG.finditer(page):
        text = page[last : match.start()]
        out.append(text if skipping or not _HAS_KANJI.search(text) else _text(text, corrections))
        tag = match[0]
        out.append(tag)
        skipping = max(0, skipping + _skip_change(tag))
        last = match.end()
    tail = page[last:]
    out.append(tail if skipping else _text(tail, corrections))
    return "".join(out)


def _text(text: str, corrections) -> str:
    return _markup(segments(text, corrections))


def _skip_change(tag: str) -> int:
    name = _TAG_NAME.match(tag)
    if name is None or tag.endswith("/>") or name[1].lower() not in _SKIPPED:
        return 0
    return -1 if tag.startswith("</") else 1
