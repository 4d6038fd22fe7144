"""The ``families`` rule section: how long a family's personal data is kept.

Default (domain.md §9 "retention rules"): a family is anonymised once it has not visited for
5 years after its youngest child turned 6, i.e. when the children have long left the drop-in
age. Families without children (a pregnancy that never came, say) count from their last visit.
"""

from datetime import date

from hiroba.core.rules import RuleVersion, register_section

_RETENTION = {
    "retention_years_after_youngest_turns_6": 5,
    "retention_years_without_children": 5,
    # Pre-registrations never confirmed at a counter are removed after this many days.
    "pending_registration_days": 180,
}
register_section("national", "families", [RuleVersion(date(2000, 4, 1), _RETENTION)])
register_section("yokohama", "families", [RuleVersion(date(2000, 4, 1), _RETENTION)])
