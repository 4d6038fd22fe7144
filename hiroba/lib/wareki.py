"""Japanese era (和暦) dates: formatting for documents and tolerant parsing of input.

Municipal forms and reports print dates as "令和5年4月1日" and fiscal years as
"令和5年度", while staff type anything from "R5.4.1" to "２０２３／４／１". This module
turns all of those into ``date`` objects and back.

Supported range: from 1873-01-01, when Japan adopted the Gregorian calendar (明治6年);
earlier Meiji dates used the lunisolar calendar and cannot be mapped by arithmetic.
The first year of an era is written 元年 in long form ("令和元年5月1日") and as 1 in
the short form ("R1.5.1").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from hiroba.lib._dates import as_date
from hiroba.lib.errors import InputError
from hiroba.lib.jpcalendar import weekday_label


@dataclass(frozen=True)
class Era:
    """A Japanese era: kanji name, initial used in short forms, and first day."""

    name: str
    letter: str
    start: date


ERAS: tuple[Era, ...] = (
    Era("明治", "M", date(1868, 1, 25)),
    Era("大正", "T", date(1912, 7, 30)),
    Era("昭和", "S", date(1926, 12, 25)),
    Era("平成", "H", date(1989, 1, 8)),
    Era("令和", "R", date(2019, 5, 1)),
)

EARLIEST_SUPPORTED_DATE = date(1873, 1, 1)
FIRST_FISCAL_YEAR = 1873
LAST_FISCAL_YEAR = 9998  # the fiscal year must end before date.max

_ERA_BY_KEY = {era.name: era for era in ERAS} | {era.letter: era for era in ERAS}
_ERA_ALTERNATION = "|".join([era.name for era in ERAS] + [era.letter for era in ERAS])

# After NFKC these still differ from "-": people type any of them between numbers,
# including the katakana long vowel mark that the IME produces for the "-" key.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2012\u2013\u2014\u2015\u2212\u30fc\uff70"), "-")

_WEEKDAY_SUFFIX = re.compile(r"\((?P<weekday>[月火水木金土日])(?:曜日?)?\)$")
_ERA_DATE = re.compile(
    rf"(?P<era>{_ERA_ALTERNATION})(?P<year>元|\d{{1,3}})"
    r"(?:年(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日?|[./-](?P<m2>\d{1,2})[./-](?P<d2>\d{1,2}))",
    re.IGNORECASE,
)
_WESTERN_DATES = (
    re.compile(r"(?P<year>\d{4})[./-](?P<month>\d{1,2})[./-](?P<day>\d{1,2})"),
    re.compile(r"(?P<year>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日?"),
    re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"),
)
_ERA_FISCAL_YEAR = re.compile(
    rf"(?P<era>{_ERA_ALTERNATION})(?P<year>元|\d{{1,3}})(?:年度?)?", re.IGNORECASE
)
_WESTERN_FISCAL_YEAR = re.compile(r"(?:FY)?(?P<year>\d{4})(?:年度?)?", re.IGNORECASE)

DateStyle = Literal["long", "short", "long_weekday"]
FiscalYearStyle = Literal["wareki", "short", "seireki", "both"]


@dataclass(frozen=True)
class WarekiDate:
    """A date expressed in a Japanese era, e.g. 令和5年4月1日 -> ("令和", "R", 5, 4, 1)."""

    era_name: str
    era_letter: str
    era_year: int
    month: int
    day: int

    @property
    def year_label(self) -> str:
        """The era year as written in long form: "元" for the first year."""
        return _year_label(self.era_year)


def _year_label(era_year: int) -> str:
    return "元" if era_year == 1 else str(era_year)


def _era_of(d: date) -> Era:
    """The era in force on ``d``; dates before 1873 are rejected (see module docstring)."""
    if d < EARLIEST_SUPPORTED_DATE:
        raise InputError("date_too_early", {"date": d.isoformat()})
    return next(era for era in reversed(ERAS) if era.start <= d)


def _era_from_key(key: str) -> Era:
    """Look up an era by kanji name or by its letter in either case ("r" -> 令和)."""
    return _ERA_BY_KEY[key.upper() if len(key) == 1 else key]


def _next_era(era: Era) -> Era | None:
    index = ERAS.index(era)
    return ERAS[index + 1] if index + 1 < len(ERAS) else None


def to_wareki(d: date) -> WarekiDate:
    """Express ``d`` in the era in force that day (2019-04-30 is 平成31年, 5/1 令和元年)."""
    d = as_date(d)
    era = _era_of(d)
    return WarekiDate(era.name, era.letter, d.year - era.start.year + 1, d.month, d.day)


def format_wareki_date(d: date, *, style: DateStyle = "long") -> str:
    """Format as 令和5年4月1日 (long), R5.4.1 (short) or 令和5年4月1日(土) (long_weekday)."""
    d = as_date(d)
    w = to_wareki(d)
    if style == "short":
        return f"{w.era_letter}{w.era_year}.{w.month}.{w.day}"
    long_form = f"{w.era_name}{w.year_label}年{w.month}月{w.day}日"
    if style == "long":
        return long_form
    if style == "long_weekday":
        return f"{long_form}({weekday_label(d)})"
    raise ValueError(f"unknown style: {style!r}")


def format_wareki_year(year_or_date: int | date) -> str:
    """Format as 令和5年; a plain year uses the era in force at its end (2019 -> 令和元年)."""
    if isinstance(year_or_date, date):
        w = to_wareki(year_or_date)
        return f"{w.era_name}{w.year_label}年"
    if year_or_date < EARLIEST_SUPPORTED_DATE.year:
        raise InputError("date_too_early", {"year": year_or_date})
    w = to_wareki(date(year_or_date, 12, 31))
    return f"{w.era_name}{w.year_label}年"


def format_fiscal_year(fy: int, *, style: FiscalYearStyle = "wareki") -> str:
    """Label fiscal year ``fy`` with the era in force on its first day, April 1.

    So FY2019 is "平成31年度" (its April 1 was Heisei), as Yokohama labels it, and
    FY2020 is "令和2年度". Styles: "wareki" 令和5年度, "short" R5年度, "seireki"
    2023年度, "both" 2023年度（令和5年度）.
    """
    _check_fiscal_year_range(fy)
    w = to_wareki(date(fy, 4, 1))
    if style == "wareki":
        return f"{w.era_name}{w.year_label}年度"
    if style == "short":
        return f"{w.era_letter}{w.era_year}年度"
    if style == "seireki":
        return f"{fy}年度"
    if style == "both":
        return f"{fy}年度（{w.era_name}{w.year_label}年度）"
    raise ValueError(f"unknown style: {style!r}")


def format_contract_year(n: int, term_years: int) -> str:
    """Format year ``n`` of a ``term_years``-year commission as 4年度目／5か年度."""
    if term_years < 1 or not 1 <= n <= term_years:
        raise ValueError(f"contract year {n} is outside a {term_years}-year term")
    return f"{n}年度目／{term_years}か年度"


def _normalize(text: str) -> str:
    """NFKC (full-width digits, ㋿ -> 令和), unify dashes, and drop all whitespace."""
    normalized = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return "".join(normalized.split())


def parse_date(text: str) -> date:
    """Parse a date typed in wareki or Western form (see module docstring for examples).

    Accepted after normalisation: "R5.4.1", "r5/4/1", "R05-04-01", "令和5年4月1日",
    "令和元年5月1日", "2023-04-01", "2023/4/1", "2023.4.1", "2023年4月1日", "20230401",
    optionally followed by a weekday such as "(土)" which must then match the date.
    """
    compact = _normalize(text)
    if not compact:
        raise InputError("date_empty")
    weekday_match = _WEEKDAY_SUFFIX.search(compact)
    if weekday_match:
        compact = compact[: weekday_match.start()]
    era_match = _ERA_DATE.fullmatch(compact)
    parsed = _era_date(era_match, text) if era_match else _western_date(compact, text)
    if weekday_match and weekday_match["weekday"] != weekday_label(parsed):
        raise InputError("date_weekday_mismatch", {"value": text, "weekday": weekday_label(parsed)})
    return parsed


def _era_date(match: re.Match[str], text: str) -> date:
    era = _era_from_key(match["era"])
    era_year = _era_year_number(match["year"], era, text)
    month = int(match["m1"] or match["m2"])
    day = int(match["d1"] or match["d2"])
    parsed = _build_date(era.start.year + era_year - 1, month, day, text)
    if parsed < EARLIEST_SUPPORTED_DATE:
        raise InputError("date_too_early", {"value": text})
    following = _next_era(era)
    if parsed < era.start or (following is not None and parsed >= following.start):
        raise InputError("era_out_of_range", _era_range_params(era, text))
    return parsed


def _era_year_number(raw: str, era: Era, text: str) -> int:
    era_year = 1 if raw == "元" else int(raw)
    if era_year < 1:
        raise InputError("era_out_of_range", _era_range_params(era, text))
    return era_year


def _era_range_params(era: Era, text: str) -> dict[str, str | None]:
    """First and last valid day of ``era`` so the message can say "平成は…まで"."""
    following = _next_era(era)
    last = following.start - timedelta(days=1) if following else None
    return {
        "value": text,
        "era": era.name,
        "first": max(era.start, EARLIEST_SUPPORTED_DATE).isoformat(),
        "last": last.isoformat() if last else None,
    }


def _western_date(compact: str, text: str) -> date:
    for pattern in _WESTERN_DATES:
        match = pattern.fullmatch(compact)
        if match:
            parsed = _build_date(int(match["year"]), int(match["month"]), int(match["day"]), text)
            if parsed < EARLIEST_SUPPORTED_DATE:
                raise InputError("date_too_early", {"value": text})
            return parsed
    raise InputError("date_format", {"value": text})


def _build_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InputError("date_invalid", {"value": text}) from None


def parse_fiscal_year(text: str) -> int:
    """Parse "令和5年度", "R5年度", "R5", "令和元年度", "平成31年度", "2023年度", "2023".

    An era year is accepted if that calendar year saw the era at all, so both
    "平成31年度" and "令和元年度" mean FY2019 (both labels were used officially), but
    "平成32年度" is rejected.
    """
    compact = _normalize(text)
    if not compact:
        raise InputError("fiscal_year_empty")
    era_match = _ERA_FISCAL_YEAR.fullmatch(compact)
    western_match = _WESTERN_FISCAL_YEAR.fullmatch(compact)
    if era_match:
        fy = _era_fiscal_year(era_match, text)
    elif western_match:
        fy = int(western_match["year"])
    else:
        raise InputError("fiscal_year_format", {"value": text})
    _check_fiscal_year_range(fy, text)
    return fy


def _era_fiscal_year(match: re.Match[str], text: str) -> int:
    era = _era_from_key(match["era"])
    fy = era.start.year + _era_year_number(match["year"], era, text) - 1
    following = _next_era(era)
    if following is not None and fy > following.start.year:
        raise InputError("era_out_of_range", _era_range_params(era, text))
    return fy


def _check_fiscal_year_range(fy: int, text: str | None = None) -> None:
    if not FIRST_FISCAL_YEAR <= fy <= LAST_FISCAL_YEAR:
        raise InputError(
            "fiscal_year_out_of_range",
            {
                "value": text if text is not None else fy,
                "first": FIRST_FISCAL_YEAR,
                "last": LAST_FISCAL_YEAR,
            },
        )
