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
which is what the code does. (School grades use the instant the period ends, the
end of the previous day, which is why April 1 birthdays join the earlier grade; that
rule is not needed here and is not modelled.)
"""

from __future__ import annotations

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
