"""The ``programs`` rule section: how waitlist offers, cancellation and reminders behave.

Defaults follow issue 4: an offered seat is held for 24 hours, no message goes out between
21:00 and 8:00 (an offer made at night starts its clock at 8:00), parents may cancel until the
day before, and reminders go out the day before at 10:00.
"""

from datetime import date

from django.utils import timezone

from hiroba.core.rules import RuleVersion, register_section

_PROGRAMS = {
    "offer_hours": 24,
    "quiet_hours_start": 21,
    "quiet_hours_end": 8,
    "cancel_deadline_hours": 24,
    "reminder_hour": 10,
    "max_adults_per_entry": 2,
    "max_children_per_entry": 4,
}
register_section("national", "programs", [RuleVersion(date(2000, 4, 1), _PROGRAMS)])
register_section("yokohama", "programs", [RuleVersion(date(2000, 4, 1), _PROGRAMS)])


def program_rules(program) -> dict:
    """The rules in force today for ``program``'s municipality."""
    municipality = program.hub.ward.municipality
    return municipality.rules("programs", on=timezone.localdate())
