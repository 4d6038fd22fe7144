"""Municipal rule profiles: the numbers and rules that differ between municipalities.

A profile (Yokohama is the default) holds named *sections*; each section is a list of versions
with the date they take effect, because rules such as fees change on a given day and old
records must still be computed with the rules of their time (domain.md §9 "Rule versioning").
A municipality picks a profile and may override single values in ``rule_overrides``.

Apps register the sections they own (``register_section``) from their ``rules`` module or
``apps.py``; the foundation registers the ``hub`` section below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_PROFILE = "yokohama"


@dataclass(frozen=True)
class RuleVersion:
    effective_from: date
    values: Mapping[str, Any]


@dataclass
class RuleProfile:
    key: str
    label: Any
    sections: dict[str, list[RuleVersion]] = field(default_factory=dict)


PROFILES: dict[str, RuleProfile] = {
    "yokohama": RuleProfile("yokohama", _("Yokohama City")),
    "national": RuleProfile("national", _("National defaults")),
}


def register_section(profile: str, section: str, versions: list[RuleVersion]) -> None:
    """Add or replace a section of a profile; versions may be given in any order."""
    PROFILES[profile].sections[section] = sorted(versions, key=lambda v: v.effective_from)


def rules_for(
    profile: str, section: str, *, on: date, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The values of ``section`` in force on ``on``, with the municipality's overrides applied."""
    versions = PROFILES[profile].sections.get(section) or PROFILES["national"].sections[section]
    in_force = [v for v in versions if v.effective_from <= on]
    if not in_force:
        raise LookupError(f"No {section} rules in force on {on} for profile {profile}")
    values = dict(in_force[-1].values)
    values.update((overrides or {}).get(section, {}))
    return values


def validate_overrides(profile: str, overrides: Any) -> None:
    """Overrides may only name sections and keys that the profile knows."""
    if not isinstance(overrides, dict):
        raise ValidationError(_("Rule overrides must be an object of sections."))
    known = PROFILES.get(profile)
    if known is None:
        raise ValidationError(_("Unknown rule profile."))
    for section, values in overrides.items():
        versions = known.sections.get(section) or PROFILES["national"].sections.get(section)
        if not versions or not isinstance(values, dict):
            raise ValidationError(_("Unknown rule section: {section}").format(section=section))
        unknown = set(values) - set(versions[-1].values)
        if unknown:
            raise ValidationError(
                _("Unknown rule keys in {section}: {keys}").format(
                    section=section, keys=", ".join(sorted(unknown))
                )
            )


# The hub section: national minimums (INAZAWA repeats the national standard: at least 3 days a
# week and 5 hours a day) and the 5-fiscal-year contract term used in Yokohama.
_HUB_RULES = {
    "contract_term_years": 5,
    "minimum_open_days_per_week": 3,
    "minimum_open_hours_per_day": 5,
    "minimum_capacity_pairs": 10,
    "year_end_closure_first": "12-29",
    "year_end_closure_last": "01-03",
}
register_section("national", "hub", [RuleVersion(date(2000, 4, 1), _HUB_RULES)])
register_section("yokohama", "hub", [RuleVersion(date(2006, 4, 1), _HUB_RULES)])
