"""Who may be a 子サポ member, and whether a provider may be offered for matching.

Rules come from the ``kosapo_members`` section (rules.py): a user member lives in the city and has
a child from 生後57日 to the end of 6th grade; a provider member lives in the city and is 20 or
over; a provider is offered for matching only while registered, with the training complete and
both safety courses taken within the last 5 years (the national rule since FY2019).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from hiroba.families.models import Household, Member
from hiroba.kosapo.choices import SAFETY_COURSES, MemberStatus, TrainingItem
from hiroba.kosapo.rules import member_rules
from hiroba.lib.ages import add_years, age_in_years, school_grade


def lives_in_city(household: Household, municipality) -> bool:
    """Whether the family's district or town (or, failing both, its address) is in the city."""
    for place in (household.district, household.town_block):
        if place is not None:
            return place.ward.municipality_id == municipality.pk
    return bool(household.address_region) and municipality.name in household.address_region


def child_is_eligible(child: Member, on: date, rules: dict) -> bool:
    """From ``user_child_min_age_days`` old to the end of the last school grade, on ``on``."""
    youngest_birth = on - timedelta(days=rules["user_child_min_age_days"])
    return (
        child.birth_date is not None
        and child.birth_date <= youngest_birth
        and school_grade(child.birth_date, on) <= rules["user_child_max_school_grade"]
    )


def eligible_children(household: Household, on: date, rules: dict) -> list[Member]:
    """Children of the family Kosapo may help on ``on``."""
    return [
        child
        for child in household.members.children().present()
        if child_is_eligible(child, on, rules)
    ]


def user_problems(household: Household, municipality, on: date, rules: dict) -> list[str]:
    problems = []
    if not lives_in_city(household, municipality):
        problems.append("not_resident")
    if not eligible_children(household, on, rules):
        problems.append("no_eligible_child")
    return problems


def provider_problems(person: Member, municipality, on: date, rules: dict) -> list[str]:
    problems = []
    if not lives_in_city(person.household, municipality):
        problems.append("not_resident")
    if person.birth_date is None:
        problems.append("birth_date_needed")
    elif age_in_years(person.birth_date, on) < rules["provider_min_age_years"]:
        problems.append("provider_too_young")
    return problems


@dataclass
class TrainingStatus:
    """A provider's training as the member page and the matching gate read it."""

    onsite_minutes: int = 0
    elearning_minutes: int = 0
    onsite_required: int = 0
    elearning_required: int = 0
    last_taken: dict[str, date] = field(default_factory=dict)
    valid_years: int = 5
    on: date | None = None

    @property
    def training_complete(self) -> bool:
        return (
            self.onsite_minutes >= self.onsite_required
            and self.elearning_minutes >= self.elearning_required
        )

    def valid_until(self, item: str) -> date | None:
        taken = self.last_taken.get(item)
        if taken is None:
            return None
        return add_years(taken, self.valid_years) - timedelta(days=1)

    @property
    def safety_until(self) -> date | None:
        """The last day both safety courses are valid (None: one was never taken)."""
        days = [self.valid_until(item) for item in SAFETY_COURSES]
        return None if None in days else min(days)

    @property
    def safety_valid(self) -> bool:
        return (
            self.safety_until is not None and self.on is not None and self.on <= self.safety_until
        )

    def missing_training(self) -> list[str]:
        missing = []
        if self.onsite_minutes < self.onsite_required:
            missing.append(
                _("on-site training {done}/{needed} min").format(
                    done=self.onsite_minutes, needed=self.onsite_required
                )
            )
        if self.elearning_minutes < self.elearning_required:
            missing.append(
                _("e-learning {done}/{needed} min").format(
                    done=self.elearning_minutes, needed=self.elearning_required
                )
            )
        return missing

    def missing_safety(self) -> list[str]:
        return [
            str(TrainingItem(item).label)
            for item in SAFETY_COURSES
            if self.valid_until(item) is None or self.on is None or self.on > self.valid_until(item)
        ]


def training_status(trainings, on: date, rules: dict) -> TrainingStatus:
    """Sum the minutes and find the last safety courses from a member's training rows."""
    status = TrainingStatus(
        onsite_required=rules["provider_onsite_minutes"],
        elearning_required=rules["provider_elearning_minutes"],
        valid_years=rules["safety_course_valid_years"],
        on=on,
    )
    for row in trainings:
        if row.completed_on > on:
            continue
        if row.item == TrainingItem.ONSITE:
            status.onsite_minutes += row.minutes
        elif row.item == TrainingItem.ELEARNING:
            status.elearning_minutes += row.minutes
        elif row.item in SAFETY_COURSES:
            previous = status.last_taken.get(row.item)
            if previous is None or row.completed_on > previous:
                status.last_taken[row.item] = row.completed_on
    return status


def provider_training(member, on: date, *, municipality=None) -> TrainingStatus:
    """A member's training status on ``on`` under their municipality's rules (pass the
    municipality when it is loaded already, e.g. from the request of the same branch)."""
    rules = member_rules(municipality or member.hub.ward.municipality, on)
    return training_status(member.trainings.all(), on, rules)


def matching_blockers(member, status: TrainingStatus) -> list[str]:
    """Why a provider may not be offered for matching today (empty: may be offered)."""
    blockers = []
    if not member.provides:
        blockers.append(str(_("not a provider member")))
    if member.status not in (MemberStatus.ACTIVE, MemberStatus.RENEWAL_DUE):
        blockers.append(str(member.get_status_display()))
    elif member.expires_on is None or (status.on and member.expires_on < status.on):
        blockers.append(str(_("membership expired")))
    blockers.extend(status.missing_training())
    if not status.safety_valid:
        blockers.extend(
            _("{course} not valid").format(course=course) for course in status.missing_safety()
        )
    return blockers
