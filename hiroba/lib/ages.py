"""Children's ages and weeks of pregnancy, counted the way Japanese law counts them.

Ages are periods counted from the day of birth (年齢計算ニ関スル法律), and 民法143条
says a period counted in months or years ends on the day before the corresponding
day of the final month, or on that month's last day when the corresponding day does
not exist. The new age is therefore held from the corresponding day itself, or from
the 1st of the following month when that day does not exist:

* born 2023-05-15: 1 year old on 2024-05-15 (0 on 2024-05-14);
* born 2020-02-29: 0 on 2021-02-28, 1 year old on 2021-03-01;
* born 2024-01-31: 0 months on 2024-02-29, 1 month on 2024-03-01.

This is exactly "subtract one when today's day of month is before the birth day",
which is what the code does. School grades use the instant the period ends, the
end of the previous day, which is why April 1 birthdays join the earlier grade
(``school_grade``).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from hiroba.lib._dates import as_date
from hiroba.lib.errors import InputError

FULL_TERM_DAYS = 280
"""A due date (分娩予定日) is by definition 40 weeks 0 days of pregnancy."""


def age_in_months(birth: date, on: date) -> int:
    """Completed months of age on ``on`` (see the module docstring for the rule)."""
    birth, on = as_date(birth), as_date(on)
    if on < birth:
        raise InputError("birth_after_date", {"birth": birth.isoformat(), "on": on.isoformat()})
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    if on.day < birth.day:
        months -= 1
    return months


def age_in_years(birth: date, on: date) -> int:
    """Completed years of age (満年齢) on ``on``."""
    return age_in_months(birth, on) // 12


def add_years(day: date, years: int) -> date:
    """``day`` moved by whole years; 29 February becomes 1 March in a common year, the day a
    person born on 29 February is counted a year older (see the module docstring)."""
    day = as_date(day)
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def school_grade(birth: date, on: date) -> int:
    """The elementary-school grade on ``on``: 1-6 at school, 7+ past it, 0 or less before it.

    A child starts school in the April after turning 6, the age being reached at the end of the
    day before the birthday, so a child born on April 1 joins the grade of the year before.
    """
    birth, on = as_date(birth), as_date(on)
    day_before = birth.toordinal() - 1
    reached = date.fromordinal(day_before)
    entry_year = (reached.year if reached.month >= 4 else reached.year - 1) + 7
    school_year = on.year if on.month >= 4 else on.year - 1
    return school_year - entry_year + 1


def age_band(birth: date, on: date, *, top: int = 3) -> int:
    """Age in years capped at ``top``: hub statistics count 0歳, 1歳, 2歳 and 3歳以上."""
    if top < 0:
        raise ValueError(f"top must not be negative, got {top}")
    return min(age_in_years(birth, on), top)


def gestational_age(due_date: date, on: date) -> tuple[int, int]:
    """Weeks and days of pregnancy (妊娠週数) on ``on``, given the due date (40w0d).

    Two weeks before the due date is (38, 0). Dates past the due date keep counting
    (41w, 42w...); a date before 0w0d (more than 280 days before the due date) is an
    input error because the due date must then be mistyped.
    """
    due_date, on = as_date(due_date), as_date(on)
    days = FULL_TERM_DAYS - (due_date - on).days
    if days < 0:
        raise InputError(
            "gestation_out_of_range", {"due_date": due_date.isoformat(), "on": on.isoformat()}
        )
    weeks, extra_days = divmod(days, 7)
    return weeks, extra_days


MAX_CHILD_AGE_MONTHS = 18 * 12
_AGE_PART = re.compile(r"^(?:(\d{1,2})歳)?(?:(\d{1,2})(?:か|ヶ|ケ|カ|ヵ|箇)?月)?$")
_AGE_SEPARATORS = re.compile(r"[、,，/／・\s]+")


def parse_child_ages(text: str) -> list[int]:
    """Children's ages as staff type them, in months: "0歳5か月、2歳" -> [5, 24].

    Accepts 歳, か月 (ヶ月, カ月, 箇月), a bare number as years ("3" is 3 years), full-width
    digits, and 、 , / ・ or spaces between children. Empty text means no children.
    """
    text = unicodedata.normalize("NFKC", text or "").strip()
    ages: list[int] = []
    for part in filter(None, _AGE_SEPARATORS.split(text)):
        match = _AGE_PART.match(f"{part}歳" if part.isdigit() else part)
        if not match or not any(match.groups()):
            raise InputError("child_age_format", {"text": part})
        years, months = (int(group or 0) for group in match.groups())
        if months > 11 and years:
            raise InputError("child_age_format", {"text": part})
        total = years * 12 + months
        if total > MAX_CHILD_AGE_MONTHS:
            raise InputError("child_age_out_of_range", {"text": part})
        ages.append(total)
    return ages


def format_age_months(months: int) -> str:
    """5 -> "0歳5か月", 24 -> "2歳", 27 -> "2歳3か月"."""
    years, rest = divmod(months, 12)
    return f"{years}歳{rest}か月" if rest or not years else f"{years}歳"
