"""The refusals of the 子サポ services: one error type whose code maps to a message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "person_not_adult_member": _("Choose a caregiver of the family, not a child."),
    "person_left": _("This person has left the family."),
    "household_not_current": _("That family card is no longer in use."),
    "household_elsewhere": _("That family is not in this hub's registry."),
    "already_member": _("This person is already a member (number {number})."),
    "not_resident": _(
        "Members must live in the city. Enter the family's address (district or town) first."
    ),
    "no_eligible_child": _(
        "A user member needs a child aged from 57 days after birth to the 6th grade of "
        "elementary school. Enter the children's dates of birth."
    ),
    "birth_date_needed": _("A provider member must be 20 or over. Enter the date of birth."),
    "provider_too_young": _("A provider member must be 20 or over."),
    "briefing_needed": _("Record the briefing and the identity check before registration."),
    "briefing_in_future": _("The briefing date cannot be in the future."),
    "training_incomplete": _(
        "The provider training is not complete: {missing}. Record the training first."
    ),
    "safety_course_lapsed": _(
        "The life-saving and accident-prevention courses must be taken every {years} years: "
        "{missing}."
    ),
    "not_provisional": _("Only a provisional member can be registered."),
    "not_current": _("This member has withdrawn."),
    "not_renewable": _("Only a registered member can be renewed."),
    "not_suspended": _("This member is not suspended."),
    "already_suspended": _("This member is already suspended."),
    "renewal_not_open": _("Renewal for the next year is taken from {day}."),
    "reason_needed": _("Write the reason."),
    "training_minutes": _("Enter the minutes of training (1 to 1,200)."),
    "training_in_future": _("A training cannot be completed in the future."),
    "stale": _(
        "Someone else changed this member while you were working. Nothing was saved; please "
        "look at the page again."
    ),
}


class KosapoError(Exception):
    def __init__(self, code: str, **params) -> None:
        self.code = code
        self.params = params
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]).format(**self.params)
