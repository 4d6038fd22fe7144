"""The 子サポ rule sections: the fee table (``kosapo_fees``) and membership (``kosapo_members``).

Fees are versioned by the day they take effect, because an activity is always charged with the
table of its own date (an activity of June 2023 keeps the old 800-yen rate when it is settled in
July). Yokohama's table from 2023-07-01 is domain.md §2.5 (CITY-KOSAPO, CITY-KYUFU, KANACHIE):

- 500 yen an hour on weekdays 7:00-19:00; 600 yen on Saturdays, Sundays, public holidays,
  12/29-1/3 and outside 7-19; at least 1 hour, then 30-minute units; when the first hour from the
  start crosses 7:00 or 19:00 the whole first hour is out of hours;
- the second child (and, undocumented, any later one) at half;
- the city's benefit to the provider: 500 yen an hour per child, the same rounding, no premium;
- the trial coupon (おためし券): 8 one-hour coupons per child born on or after 2023-04-01, the
  city paying the provider 1,000 yen per coupon in place of fee and benefit for that hour;
- the single-parent refund of the fee, at most 24,000 yen per child a month.

The table before 2023-07-01 (800 yen, 900 out of hours, no benefit, no coupon) is kept so that
older activities can be imported; its out-of-hours rate comes from older member guides and is
worth checking against the ward's records. Cancellation fees are in the 会員の手引き, which we
could not find: the default is none, and a municipality sets its tiers in ``rule_overrides``.
Values are plain JSON so that a municipality can override any of them.
"""

from datetime import date

from django.utils import timezone

from hiroba.core.rules import RuleVersion, register_section

_FEES_2023_07 = {
    "standard_rate_yen": 500,
    "out_of_hours_rate_yen": 600,
    "standard_hours_start": "07:00",
    "standard_hours_end": "19:00",
    "year_end_first": "12-29",
    "year_end_last": "01-03",
    "minimum_minutes": 60,
    "unit_minutes": 30,
    "first_hour_straddle_out_of_hours": True,
    # Percent of the rate for the 1st, 2nd, … child; the last entry holds for every later child.
    "sibling_percents": [100, 50],
    "benefit_per_child_hour_yen": 500,
    "coupon_minutes": 60,
    "coupon_value_yen": 1000,
    "coupons_per_child": 8,
    "coupon_children_born_from": "2023-04-01",
    "single_parent_monthly_cap_per_child_yen": 24000,
    # [[hours before the start, percent of the care fee]], most notice first; [] = no fee.
    "cancellation_tiers": [],
}
_FEES_BEFORE_2023_07 = {
    **_FEES_2023_07,
    "standard_rate_yen": 800,
    "out_of_hours_rate_yen": 900,
    "benefit_per_child_hour_yen": 0,
    "coupons_per_child": 0,
}
register_section(
    "yokohama",
    "kosapo_fees",
    [
        RuleVersion(date(2000, 4, 1), _FEES_BEFORE_2023_07),
        RuleVersion(date(2023, 7, 1), _FEES_2023_07),
    ],
)
# Other municipalities start from Yokohama's current table and override what differs.
register_section("national", "kosapo_fees", [RuleVersion(date(2000, 4, 1), _FEES_2023_07)])

_MEMBERS = {
    # 利用会員: a child from 生後57日 to the end of 小学校6年生.
    "user_child_min_age_days": 57,
    "user_child_max_school_grade": 6,
    # 提供会員: 20 or over, trained (about 350 min on site + 790 min e-learning).
    "provider_min_age_years": 20,
    "provider_onsite_minutes": 350,
    "provider_elearning_minutes": 790,
    # 緊急救命講習 and 事故防止講習 at least every 5 years (national rule since FY2019).
    "safety_course_valid_years": 5,
    # Membership is renewed every year; we assume with the fiscal year (domain.md §2.2).
    "renewal_notice_days": 30,
}
register_section("national", "kosapo_members", [RuleVersion(date(2000, 4, 1), _MEMBERS)])
register_section("yokohama", "kosapo_members", [RuleVersion(date(2000, 4, 1), _MEMBERS)])


def fee_values(municipality, on: date) -> dict:
    """The fee table in force on ``on`` for ``municipality`` (LookupError when there is none)."""
    return municipality.rules("kosapo_fees", on=on)


def member_rules(municipality, on: date | None = None) -> dict:
    return municipality.rules("kosapo_members", on=on or timezone.localdate())
