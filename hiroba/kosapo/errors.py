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
    "not_a_user_member": _("Only a user member can ask for help."),
    "not_a_provider": _("This person is not a provider member."),
    "member_not_registered": _(
        "The member is not registered yet (or the membership has ended). Register or renew first."
    ),
    "no_children": _("Choose the children who need help."),
    "child_not_in_family": _("Choose children of this family."),
    "child_not_eligible": _(
        "{name} is outside the ages Kosapo helps (57 days after birth to the 6th grade) on {day}."
    ),
    "times_order": _("The end time must be after the start time."),
    "dates_order": _("The last day must be on or after the first day."),
    "request_in_past": _("The first day has already passed."),
    "beyond_membership": _(
        "The membership is valid until {day}. Renew it before asking for help after that date."
    ),
    "weekdays_needed": _("Choose the weekdays for a weekly request."),
    "no_dates": _("No date between the first and last day falls on the chosen weekdays."),
    "care_place_needed": _("Choose where the child will be cared for."),
    "escort_places_needed": _("Enter where the escort starts and ends."),
    "request_closed": _("This request is no longer being arranged."),
    "not_introduced": _("No provider has been introduced for this request."),
    "provider_elsewhere": _("That provider is not a member of this branch."),
    "provider_is_requester": _("A member cannot help their own family."),
    "provider_blocked": _("This provider cannot be introduced now: {reasons}."),
    "provider_double_booked": _(
        "This provider is already booked at these times ({request}). Choose someone else."
    ),
    "provider_declined": _("This provider said they cannot do it. Record a new answer first."),
    "contact_reason_needed": _("Write why the provider cannot do it or will answer later."),
    "availability_format": _(
        "Write the times like 9:00-12:00 (from before until, in 24-hour time)."
    ),
    "distance_range": _("Enter a distance from 0.1 to 30 km."),
    "stale": _(
        "Someone else changed this while you were working. Nothing was saved; please look at "
        "the page again."
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
