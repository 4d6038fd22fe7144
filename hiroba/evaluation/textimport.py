"""Turn the text of a published annual evaluation sheet (単年度事業評価) back into data.

Yokohama hubs have published a 単年度事業評価 PDF every year long before they start using
Hiroba. To carry that history over, staff copy the text out of an old PDF and paste it; this
module turns the paste into a :class:`ParsedSheet` that the import screen shows for checking
before anything is saved. It is pure Python (no Django, no database).

The sheet's outline is fixed: the form header, a title naming the ward and the evaluated year,
事業実施期間, 事業の実施者, 事業目的, 基本理念, 事業の内容, 評価実施方法, then for each 重点目標
its 取組内容, 取組の成果 and 取組の課題, then next year's 重点目標 with their 取組内容. Some
hubs split a goal into numbered themes (1．周知・発信 …) repeated under each of the three
headings; those are merged by number into one :class:`ParsedTheme` each.

Copied PDF text is messy, so the parser reads line by line with a small state machine and
tolerant matchers rather than one grammar:

* Lines are normalised only where safe for Japanese: full-width ASCII digits and letters to
  half width, half-width katakana to full width; 「、。（）」 stay as printed.
* Page furniture is skipped: 「- 2 -」, 「2/5」, bare numbers, rules, table header rows, the
  form header and title, and any other line of the first page's header repeated later.
* Headings match with spaces inside (「取 組 内 容」), in spelling variants (取り組みの成果,
  成果, 課題), with or without their text on the same line.
* A line without a bullet or number continues the previous item, joined without a space
  between Japanese characters and with one between Latin words.
* 「1．」 may number a goal or a theme: a number is a theme when its style differs from the
  goal's, or within a goal when it follows the previous theme's number or repeats a theme
  (and its title) seen under 取組内容; otherwise it starts a goal.

Nothing raises on bad input: what cannot be placed is reported in ``warnings`` (Japanese, for
staff) with its line number, so no text is lost silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import jaconv

from hiroba.lib.errors import InputError
from hiroba.lib.wareki import parse_date, parse_fiscal_year

NO_STRUCTURE_WARNING = "評価シートの見出し（重点目標、取組内容など）が見つかりませんでした。"


@dataclass
class ParsedTheme:
    """Bullets of one theme of a goal; the simple layout has one theme with number "" and
    title ""."""

    number: str = ""
    title: str = ""
    actions: list[str] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)


@dataclass
class ParsedGoal:
    """One 重点目標: its number ("1" for ①), title and themes."""

    number: str = ""
    title: str = ""
    themes: list[ParsedTheme] = field(default_factory=list)

    def theme(self, number: str, title: str = "") -> ParsedTheme:
        """The theme with ``number``, created on its first mention under any heading."""
        for theme in self.themes:
            if theme.number == number:
                theme.title = theme.title or title
                return theme
        theme = ParsedTheme(number, title)
        self.themes.append(theme)
        return theme


@dataclass
class ParsedSheet:
    """Everything read from one sheet, plus warnings about what could not be read."""

    ward_name: str = ""
    fiscal_year: int | None = None
    period_text: str = ""
    term_year: int | None = None
    term_years: int | None = None
    implementers: list[str] = field(default_factory=list)
    purpose: str = ""
    principles: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    method: list[str] = field(default_factory=list)
    goals: list[ParsedGoal] = field(default_factory=list)
    next_goals: list[ParsedGoal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- Normalisation -------------------------------------------------------------------------

_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Full-width ASCII digits and letters only; full-width punctuation such as （） stays.
_WIDE_ALNUM = {
    code: code - 0xFEE0
    for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
}
_LATIN_END = re.compile(r"[A-Za-z0-9,.;:!?)]$")
_LATIN_START = re.compile(r"[A-Za-z0-9(]")


def normalize_line(raw: str) -> str:
    """One line made readable: invisible characters dropped, ＡＢ１２ -> AB12, ｶﾅ -> カナ."""
    text = _INVISIBLE.sub("", raw).translate(_WIDE_ALNUM)
    return jaconv.h2z(text, kana=True, ascii=False, digit=False).strip()


def tidy(text: str) -> str:
    """Whitespace runs (tabs, U+3000) collapsed to one space, and stripped."""
    return " ".join(text.split())


def join_lines(head: str, tail: str) -> str:
    """Join a line broken by the PDF: no space in Japanese, one space between Latin words."""
    if not head or not tail:
        return head + tail
    latin = _LATIN_END.search(head) and _LATIN_START.match(tail)
    split_number = head[-1].isdigit() and tail[0].isdigit()
    return head + (" " if latin and not split_number else "") + tail


# --- Line matchers -------------------------------------------------------------------------

_CIRCLED = "\u2460-\u2473\u2474-\u2487\u2776-\u277f\u24f5-\u24fe"
_BULLETS = "●○〇◯◎・◆◇■□•▪◼➢▶►"
_BULLET = re.compile(rf"[{_BULLETS}]\s*")
_SPLIT_BULLETS = re.compile(r"\s+(?=[●○〇◯◆◇■□])")
_AFTER_LABEL = set(_BULLETS + "（(0123456789") | {chr(c) for c in range(0x2460, 0x2488)}
_DASHES = "\\-－‐―—–ー−"
_PAGE_NUMBER = re.compile(
    rf"[{_DASHES}\s]*(?:(?:p|page|ページ|頁)\.?\s*)?\d{{1,3}}\s*(?:[/／]\s*\d{{1,3}}|頁|ページ|of\s*\d{{1,3}})?"
    rf"[{_DASHES}\s]*",
    re.IGNORECASE,
)
_RULE = re.compile(rf"[{_DASHES}━─_＿=＝~〜*＊\s]+")
_FORM_HEADER = re.compile(r"[【［\[]?単年度事業評価(?:様式)?[】］\]]?")
_TITLE = re.compile(r".{0,12}地域子育て支援拠点事業(?:.*重点目標.*)?|.*評価結果・.*重点目標.*")
_TITLE_WORDS = re.compile(r"区|拠点|重点目標|年度|評価")
_HEADING_WORD = r"重点目標|取り?組み?の?(?:内容|成果|課題)|成果|課題|自己評価|備考"
_TABLE_HEADER = re.compile(
    rf"(?:[【】［］\[\]／/|｜]*(?:{_HEADING_WORD})[【】［］\[\]／/|｜]*){{2,}}"
)
_WARD = re.compile(r"([^\s\d市区年度・（()）【】「」]{1,5}区)\s*地域子育て支援拠点")
_ERA_YEAR = re.compile(r"(令和|平成)\s*(元|\d{1,2})\s*年度")
_ERA_DATE = re.compile(r"(令和|平成)\s*(元|\d{1,2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_TERM = re.compile(r"(\d{1,2})\s*年度目\s*[／/]\s*(\d{1,2})\s*[かカヵヶケ箇]?\s*年")


def _label(body: str) -> re.Pattern[str]:
    """A heading pattern, matched against a line with its spaces removed."""
    return re.compile(rf"[【［\[〈<＜《■]?(?:{body})(?P<close>[】］\]〉>＞》]?[：:]?)")


_TOP_LABELS = (
    ("period", _label("事業実施期間|事業期間|実施期間")),
    ("implementers", _label("事業の?実施者|実施者|運営者")),
    ("purpose", _label("事業の?目的")),
    ("principles", _label("(?:事業・?施設運営の)?基本理念")),
    ("programs", _label("事業の?内容")),
    ("method", _label("(?:事業の)?評価の?実施方法(?:及び(?:評価結果の?(?:公表方法)?)?)?")),
)
_LABEL_TEXT = {
    "principles": "事業・施設運営の基本理念",
    "method": "事業の評価実施方法及び評価結果の公表方法",
}
_SECTIONS = (
    ("actions", _label("取り?組み?の?内容|具体的な取り?組み?")),
    ("results", _label("取り?組み?の?成果|成果")),
    ("issues", _label("取り?組み?の?課題|今後の課題|課題")),
)
_PART_HEADING = _label(
    r"(?:(?P<era>令和|平成)(?P<year>元|\d{1,2})年度の?|(?P<next>次年度)の?)?"
    r"(?:重点目標(?:の?(?P<eval>評価結果|評価|結果))?|(?P<eval2>評価結果))"
    r"(?:(?:及び|と)取り?組み?の?内容)?(?:[（(]案[)）])?"
)
_KEYWORD_GOAL = _label(rf"重点目標[（(]?(?P<n>\d{{1,2}}|[{_CIRCLED}])[)）]?")
_NUMBERED = (
    ("circled", re.compile(rf"[【［\[]?([{_CIRCLED}])[】］\]]?[.．、:：]?\s*(.*)")),
    ("paren", re.compile(r"[（(]\s*(\d{1,2})\s*[)）]\s*(.*)")),
    ("dot", re.compile(r"(\d{1,2})\s*[.．、)）:：](?!\d)\s*(.*)")),
    ("space", re.compile(r"(\d{1,2})\s+(\S.*)")),
)


@dataclass
class _Number:
    style: str  # "keyword" (重点目標1), "circled", "paren", "dot" or "space"
    value: int
    rest: str


def _strip_label(
    pattern: re.Pattern[str], text: str, *, loose_from: int = 99
) -> tuple[re.Match[str], str] | None:
    """Match a heading at the start of ``text`` ignoring spaces inside it ("取 組 内 容").

    Returns the match and the rest of the line. The heading must end the line or be followed
    by a space, bracket, colon, bullet or number, so that "成果を上げた" is not the heading
    成果; headings of ``loose_from`` characters or more may run straight into their text.
    """
    positions = [i for i, char in enumerate(text) if not char.isspace()]
    match = pattern.match("".join(text[i] for i in positions))
    if match is None:
        return None
    rest = text[positions[match.end() - 1] + 1 :]
    separated = not rest or rest[0].isspace() or rest[0] in _AFTER_LABEL
    if not (separated or match["close"] or len(match[0]) >= loose_from):
        return None
    return match, rest.strip()


def _match_number(text: str) -> _Number | None:
    """A numbered line in any of the styles used on the sheets, with the number's value."""
    keyword = _strip_label(_KEYWORD_GOAL, text, loose_from=0)
    if keyword:
        return _Number("keyword", _number_value(keyword[0]["n"]), keyword[1])
    for style, pattern in _NUMBERED:
        match = pattern.fullmatch(text)
        if match:
            return _Number(style, _number_value(match[1]), match[2])
    return None


def _number_value(token: str) -> int:
    return int(token) if token.isdecimal() else int(unicodedata.numeric(token))


def _match_section(
    text: str, labels: tuple[tuple[str, re.Pattern[str]], ...] = _SECTIONS, loose_from: int = 99
) -> tuple[str, str] | None:
    """The key of the first of ``labels`` heading ``text``, and the rest of the line."""
    for key, pattern in labels:
        hit = _strip_label(pattern, text, loose_from=loose_from)
        if hit:
            return key, hit[1]
    return None


def _same_title(first: str, second: str) -> bool:
    """Whether two printings of a title agree, one perhaps cut short by a line break."""
    first, second = "".join(first.split()), "".join(second.split())
    return first.startswith(second) or second.startswith(first)


def _strip_bullet(text: str) -> str | None:
    """The text after a leading bullet, or None if the line has no bullet."""
    match = _BULLET.match(text)
    return text[match.end() :] if match else None


def _fiscal_year(text: str) -> int | None:
    try:
        return parse_fiscal_year(text)
    except InputError:
        return None


def _fiscal_year_of_period(period: str) -> int | None:
    """The fiscal year in which the period starts (令和6年4月1日～ -> 2024)."""
    match = _ERA_DATE.search(period)
    try:
        start = parse_date(match[0]) if match else None
    except InputError:
        return None
    return None if start is None else start.year - (start.month < 4)


# --- The parser ----------------------------------------------------------------------------

_TOP, _RESULTS, _NEXT = "top", "results", "next"


class _Parser:
    """Line-by-line state machine; ``part`` is None while reading the title block."""

    def __init__(self) -> None:
        self.sheet = ParsedSheet()
        self.part: str | None = None
        self.found = False  # any heading of the sheet seen at all
        self.title_lines: list[tuple[int, str]] = []
        self.first_page: set[str] = set()  # title block lines, repeated as page headers
        self.top_section = ""
        self.section_empty = True
        self.goal: ParsedGoal | None = None
        self.goal_style = ""
        self.expect_title = False
        self.section: str | None = None
        self.theme: ParsedTheme | None = None
        self.last_theme = 0
        self.bulletless = False  # the last item had no bullet: a line after its 。 is new

    def warn(self, number: int, text: str) -> None:
        self.sheet.warnings.append(f"{number}行目を読み取れませんでした: {tidy(text)}")

    # Dispatch

    def feed(self, number: int, text: str) -> None:
        if not text or self._is_furniture(text):
            return
        if self.part is None and _TITLE.fullmatch("".join(text.split())):
            self._title_line(number, text)
            return
        if self.part in (None, _TOP) and self._top_label(number, text):
            return
        numbered = _match_number(text)
        if numbered and numbered.style == "keyword":
            self.found = True
            self._set_part(_RESULTS)
            self._start_goal(numbered)
        elif not self._part_heading(number, text):
            if self.part is None:
                self._title_line(number, text)
            elif self.part == _TOP:
                self._top_line(number, text)
            else:
                self._goal_line(number, text)

    def _is_furniture(self, text: str) -> bool:
        compact = "".join(text.split())
        if _FORM_HEADER.fullmatch(compact):
            self.found = True
            return True
        if _PAGE_NUMBER.fullmatch(text) or _RULE.fullmatch(text) or compact == "以上":
            return True
        repeated = compact in self.first_page or _TITLE.fullmatch(compact)
        return bool(_TABLE_HEADER.fullmatch(compact) or (self.part is not None and repeated))

    def _set_part(self, part: str) -> None:
        """Move on to ``part``; a goal heading in the next year's part does not go back."""
        if self.part is None:
            self._end_title()
        if part != _RESULTS or self.part not in (_RESULTS, _NEXT):
            self.part = part

    # Title block and the top part

    def _title_line(self, number: int, text: str) -> None:
        if _match_section(text) or _match_number(text):
            self._set_part(_RESULTS)
            self._goal_line(number, text)
            return
        self.first_page.add("".join(text.split()))
        header = _FORM_HEADER.match("".join(text.split()))
        if header and header[0].endswith(("】", "］", "]")):
            self.found = True
            text = text.split(header[0][-1], 1)[1].strip()
        if text:
            self.title_lines.append((number, text))

    def _end_title(self) -> None:
        title = ""
        for number, text in self.title_lines:
            title = join_lines(title, tidy(text))
            if not _TITLE_WORDS.search(text):
                self.warn(number, text)
        compact = "".join(title.split())
        self.found = self.found or "重点目標" in compact or "地域子育て支援拠点" in compact
        ward = _WARD.search(title)
        year = _ERA_YEAR.search(title)
        self.sheet.ward_name = ward[1] if ward else ""
        self.sheet.fiscal_year = _fiscal_year(year[0]) if year else None

    def _top_label(self, number: int, text: str) -> bool:
        hit = _match_section(text, _TOP_LABELS, loose_from=6)
        if hit is None:
            return False
        self.found = True
        self._set_part(_TOP)
        self.top_section, self.section_empty = hit[0], True
        if hit[1]:
            self._top_line(number, hit[1])
        return True

    def _top_line(self, number: int, text: str) -> None:
        sheet, key = self.sheet, self.top_section
        compact = "".join(text.split()).strip("【】")
        if self.section_empty and len(compact) >= 4 and compact in _LABEL_TEXT.get(key, ""):
            return  # the rest of a heading wrapped in its table cell
        self.section_empty = False
        if _match_section(text):
            self._set_part(_RESULTS)
            self._goal_line(number, text)
        elif key == "period":
            sheet.period_text = join_lines(sheet.period_text, tidy(text))
        elif key == "purpose":
            sheet.purpose = join_lines(sheet.purpose, tidy(text))
        elif key == "implementers":
            self._implementers(text)
        else:
            self._list_line(number, text, getattr(sheet, key))

    def _implementers(self, text: str) -> None:
        names = self.sheet.implementers
        for part in re.split(r"\t|\s{2,}", text):
            name = tidy(_strip_bullet(part.strip()) or part)
            if names and (names[-1].endswith("法人") or name.startswith(("（", "("))):
                names[-1] = join_lines(names[-1], name)
            elif name:
                names.append(name)

    def _list_line(self, number: int, text: str, items: list[str]) -> None:
        numbered = _match_number(text)
        if numbered and numbered.value == len(items) + 1:
            items.append(tidy(numbered.rest))
        elif numbered and numbered.value == 1 and items and self.top_section != "principles":
            self._set_part(_RESULTS)  # goals numbered right after the method, no heading
            self._goal_line(number, text)
        elif (bullet := _strip_bullet(text)) is not None or not items:
            items.append(tidy(text if bullet is None else bullet))
        else:
            items[-1] = join_lines(items[-1], tidy(text))

    # Goals, themes and their bullets

    def _part_heading(self, number: int, text: str) -> bool:
        hit = _strip_label(_PART_HEADING, text)
        if hit is None:
            return False
        match, rest = hit
        self.found = True
        self._set_part(self._which_part(match))
        self.goal, self.section, self.theme = None, None, None
        self.expect_title = True
        if rest:
            self._goal_line(number, rest)
        return True

    def _which_part(self, match: re.Match[str]) -> str:
        """次年度 / 令和N+1年度 start the next year's goals; 評価結果 / 令和N年度 this year's."""
        if match["next"]:
            return _NEXT
        if match["eval"] or match["eval2"]:
            return _RESULTS
        if not match["era"]:  # a bare 重点目標 label in front of a goal's title
            return self.part if self.part in (_RESULTS, _NEXT) else _RESULTS
        year = _fiscal_year(f"{match['era']}{match['year']}年度")
        current = self.sheet.fiscal_year
        if year is not None and current is not None:
            return _NEXT if year > current else _RESULTS
        return _NEXT if self.sheet.goals else _RESULTS

    def _goal_line(self, number: int, text: str) -> None:
        heading = _match_section(text)
        if heading:
            self._start_section(number, *heading)
            return
        numbered = _match_number(text)
        kind = self._number_kind(numbered) if numbered else "text"
        if numbered and kind == "goal":
            self._start_goal(numbered)
        elif numbered and kind == "theme":
            self.theme = self.goal.theme(str(numbered.value), tidy(numbered.rest))
            self.last_theme = numbered.value
        else:
            for piece in _SPLIT_BULLETS.split(text):
                self._content(number, piece)

    def _number_kind(self, numbered: _Number) -> str:
        """Whether a numbered line starts a goal, a theme, or is text (see module docstring)."""
        goal = self.goal
        if numbered.style == "keyword" or goal is None:
            return "goal"
        next_goal = goal.number.isdecimal() and numbered.value == int(goal.number) + 1
        if self.section is None:
            return "goal" if numbered.style == self.goal_style and next_goal else "text"
        if numbered.style != self.goal_style:
            return "theme"
        if self.section == "actions":
            return "theme" if numbered.value == self.last_theme + 1 else "goal"
        known = {theme.number: theme.title for theme in goal.themes if theme.number}
        title = known.get(str(numbered.value))
        if title is not None and (not next_goal or _same_title(title, numbered.rest)):
            return "theme"
        return "goal" if next_goal or not known else "theme"

    def _goals(self) -> list[ParsedGoal]:
        return self.sheet.next_goals if self.part == _NEXT else self.sheet.goals

    def _start_goal(self, numbered: _Number) -> None:
        self.goal = ParsedGoal(str(numbered.value), tidy(numbered.rest))
        self._goals().append(self.goal)
        self.goal_style = numbered.style
        self.section, self.theme, self.last_theme = None, None, 0
        self.expect_title = False

    def _start_section(self, number: int, key: str, rest: str) -> None:
        self.found = True
        self._set_part(_RESULTS)
        if self.goal is None:
            self.sheet.warnings.append(
                f"{number}行目: 重点目標の番号と題名が見つからないまま「取組」の見出しがあります。"
            )
            self._start_goal(_Number("", len(self._goals()) + 1, ""))
        self.section, self.theme, self.last_theme = key, None, 0
        if rest:
            self._goal_line(number, rest)

    def _content(self, number: int, piece: str) -> None:
        bullet = _strip_bullet(piece)
        text = tidy(piece if bullet is None else bullet)
        if self.goal is None:
            if bullet is None and self.expect_title:  # an unnumbered title after 重点目標
                self._start_goal(_Number("", len(self._goals()) + 1, text))
            else:
                self.warn(number, piece)
            return
        if self.section is None and bullet is None:
            self.goal.title = join_lines(self.goal.title, text)
            return
        self.section = self.section or "actions"
        theme = self.theme or self.goal.theme("")
        items = getattr(theme, self.section)
        if bullet is None and items and not (self.bulletless and items[-1].endswith("。")):
            items[-1] = join_lines(items[-1], text)
        else:
            items.append(text)
            self.bulletless = bullet is None

    # Result

    def finish(self) -> ParsedSheet:
        if self.part is None:
            self._end_title()
        if not self.found:
            return ParsedSheet(warnings=[NO_STRUCTURE_WARNING])
        sheet = self.sheet
        term = _TERM.search(sheet.period_text)
        if term:
            sheet.term_year, sheet.term_years = int(term[1]), int(term[2])
        if sheet.fiscal_year is None:
            sheet.fiscal_year = _fiscal_year_of_period(sheet.period_text)
        for goal in sheet.goals + sheet.next_goals:
            goal.themes = goal.themes or [ParsedTheme()]
        for missing, message in (
            (sheet.fiscal_year is None, "評価の対象年度を読み取れませんでした。"),
            (not sheet.goals, "重点目標の評価結果が見つかりませんでした。"),
            (not sheet.next_goals, "次年度の重点目標が見つかりませんでした。"),
        ):
            if missing:
                sheet.warnings.append(message)
        return sheet


def parse_sheet_text(text: str) -> ParsedSheet:
    """Read the pasted text of a 単年度事業評価 sheet; problems are in ``warnings``."""
    parser = _Parser()
    for number, raw in enumerate(text.splitlines(), start=1):
        parser.feed(number, normalize_line(raw))
    return parser.finish()
