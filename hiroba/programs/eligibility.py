"""Who may take part in a program, judged at the date of its first session (issue 4).

``problems`` returns message codes, empty when the family may apply with the chosen members;
parents see the same rules in words (``describe``) before they apply. Ages use the legal
counting of ``hiroba.lib.ages`` at the session date, not today's date, so a family can apply
in April for a June class their baby will be old enough for by then.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.families.choices import MemberKind, Relation
from hiroba.families.models import Household, Member
from hiroba.lib.ages import age_in_months, gestational_age
from hiroba.programs.choices import BirthOrderRule
from hiroba.programs.models import Program

ELIGIBILITY_MESSAGES = {
    "no_adult": _("Choose the adult who comes."),
    "no_child": _("Choose the child who comes, or the pregnancy."),
    "child_too_young": _("The child is younger than this program is for on the day."),
    "child_too_old": _("The child is older than this program is for on the day."),
    "pregnancy_out_of_range": _(
        "The week of pregnancy on the day is outside this program's range."
    ),
    "pregnancy_required": _("This program is for expecting parents."),
    "first_child_only": _("This program is for families with their first child."),
    "second_child_only": _("This program is for families with a second or later child."),
    "father_required": _("This program is for fathers: a father takes part."),
    "residents_only": _("This program is for residents of the ward."),
}


def _expected(member: Member) -> bool:
    return member.kind == MemberKind.CHILD and member.birth_date is None and bool(member.due_date)


def _age_problems(program: Program, children: Sequence[Member], on: date) -> list[str]:
    born = [c for c in children if c.birth_date]
    problems = []
    for child in born:
        if child.birth_date > on:
            continue
        months = age_in_months(child.birth_date, on)
        if program.min_age_months is not None and months < program.min_age_months:
            problems.append("child_too_young")
        if program.max_age_months is not None and months > program.max_age_months:
            problems.append("child_too_old")
    return problems


def _pregnancy_problems(program: Program, children: Sequence[Member], on: date) -> list[str]:
    low, high = program.min_pregnancy_week, program.max_pregnancy_week
    if low is None and high is None:
        return []
    expected = [c for c in children if _expected(c)]
    if not expected:
        return ["pregnancy_required"]
    for child in expected:
        try:
            weeks, _days = gestational_age(child.due_date, on)
        except Exception:  # a due date too far away: not pregnant yet on the day
            return ["pregnancy_out_of_range"]
        if (low is not None and weeks < low) or (high is not None and weeks > high):
            return ["pregnancy_out_of_range"]
    return []


def _is_first_child_family(household_children: Sequence[Member]) -> bool:
    """No child born yet, or exactly one child (born or expected)."""
    return len(household_children) <= 1


def problems(
    program: Program, household: Household, members: Sequence[Member], *, on: date | None = None
) -> list[str]:
    on = on or _first_day(program)
    adults = [m for m in members if m.kind == MemberKind.CAREGIVER]
    children = [m for m in members if m.kind == MemberKind.CHILD]
    found: list[str] = []
    if not adults:
        found.append("no_adult")
    if program.requires_child and not children:
        found.append("no_child")
    found += _age_problems(program, children, on)
    found += _pregnancy_problems(program, children, on)
    household_children = [
        m for m in household.members.all() if m.kind == MemberKind.CHILD and m.left_on is None
    ]
    if program.birth_order == BirthOrderRule.FIRST_CHILD and not _is_first_child_family(
        household_children
    ):
        found.append("first_child_only")
    if program.birth_order == BirthOrderRule.SECOND_OR_LATER and len(household_children) < 2:
        found.append("second_child_only")
    if program.requires_father and not any(a.relation == Relation.FATHER for a in adults):
        found.append("father_required")
    if program.residents_only and not is_resident(household, program):
        found.append("residents_only")
    return list(dict.fromkeys(found))


def is_resident(household: Household, program: Program) -> bool:
    district = household.district
    if district is not None:
        return district.ward_id == program.hub.ward_id
    town_block = household.town_block
    return town_block is not None and town_block.ward_id == program.hub.ward_id


def messages(codes: Sequence[str]) -> list[str]:
    return [str(ELIGIBILITY_MESSAGES[code]) for code in codes]


def _first_day(program: Program) -> date:
    if program.first_starts_at is None:
        return timezone.localdate()
    return timezone.localtime(program.first_starts_at).date()


def _months(n: int) -> str:
    if n % 12 == 0 and n:
        return str(_("{years} years").format(years=n // 12))
    return str(_("{months} months").format(months=n))


def describe(program: Program) -> list[str]:
    """The rules in words, for the program page (shown before a parent applies)."""
    lines = []
    low, high = program.min_age_months, program.max_age_months
    if low is not None and high is not None:
        lines.append(
            _("Children aged {low} to {high} on the day").format(
                low=_months(low), high=_months(high)
            )
        )
    elif low is not None:
        lines.append(_("Children aged {low} or older on the day").format(low=_months(low)))
    elif high is not None:
        lines.append(_("Children up to {high} on the day").format(high=_months(high)))
    weeks_low, weeks_high = program.min_pregnancy_week, program.max_pregnancy_week
    if weeks_low is not None or weeks_high is not None:
        lines.append(
            _("Expecting parents, weeks {low} to {high} of pregnancy on the day").format(
                low=weeks_low if weeks_low is not None else 0,
                high=weeks_high if weeks_high is not None else 42,
            )
        )
    if program.birth_order:
        lines.append(str(BirthOrderRule(program.birth_order).label))
    if program.requires_father:
        lines.append(str(_("A father takes part")))
    if program.residents_only:
        lines.append(str(_("Residents of {ward} only").format(ward=program.hub.ward.name)))
    return [str(line) for line in lines]
