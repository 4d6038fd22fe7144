"""The refusals of the user-support services: one error type whose code maps to a message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    # slots
    "slot_in_past": _("A slot must start in the future."),
    "slot_too_long": _("A slot can last at most {minutes} minutes."),
    "slot_overlaps": _("The specialist already has a slot at {time}."),
    "specialist_elsewhere": _("Only user-support staff of this hub can hold slots."),
    "venue_elsewhere": _("Choose a place of this hub."),
    "venue_needed": _("Choose the place for a meeting in person."),
    "slot_booked": _(
        "This slot is booked. Cancel the booking first (the family is told), then withdraw it."
    ),
    "slot_withdrawn": _("This slot was withdrawn."),
    "too_many_slots": _("At most {count} slots can be made at once."),
    # bookings
    "slot_taken": _("Sorry, someone has just booked this slot. Please choose another time."),
    "slot_started": _("This slot has already started or is over."),
    "too_far_ahead": _("Slots can be booked at most {days} days ahead."),
    "too_many_bookings": _(
        "Your family already has {count} bookings waiting. Cancel one first, or call the hub."
    ),
    "family_already_booked": _("Your family already booked a slot at this time."),
    "household_elsewhere": _("That family is not in this hub's registry."),
    "household_not_current": _("That family card is no longer in use."),
    "contact_elsewhere": _("The contact person must be a caregiver of the family."),
    "topic_elsewhere": _("Choose topics from this city's list."),
    "message_too_long": _("Please keep the message under {length} characters."),
    "not_booked": _("This booking is not waiting any more (it was cancelled or already held)."),
    "cancel_deadline": _(
        "Bookings can be cancelled on the portal until {hours} hours before. Please call the hub."
    ),
    "not_started": _("A booking can be marked once its time has come."),
    "consultation_elsewhere": _("That consultation record belongs to another hub."),
    # cases
    "no_assessment_consent": _(
        "Opening a case needs the family's consent to the assessment. Record when and how the "
        "family agreed first."
    ),
    "consent_in_future": _("The time of consent cannot be in the future."),
    "needs_empty": _("Write the family's needs, as far as the family was happy to tell."),
    "opened_in_future": _("A case cannot be opened on a future date."),
    "assignee_elsewhere": _("Only user-support staff of this hub can be assigned a case."),
    "case_stale": _(
        "Someone else saved this case while you were editing it. Your changes were not saved; "
        "please open the case again and re-enter them."
    ),
    "case_closed": _("This case is closed. Reopen it first."),
    "case_not_closed": _("This case is open."),
    "case_anonymised": _(
        "This case was closed when the family card was anonymised; it cannot be reopened."
    ),
    "closure_reason_needed": _("Choose why the case is closed."),
    "closed_before_opened": _("A case cannot be closed before the day it was opened."),
    "closed_in_future": _("A case cannot be closed on a future date."),
    "plan_text_empty": _("Write the plan item."),
    "date_before_case": _("The date cannot be before the case was opened."),
    "plan_done_already": _("This plan item is already marked done."),
    "plan_not_done": _("This plan item is not marked done."),
    "agency_elsewhere": _("Choose an agency of this hub's ward or city."),
    "agency_inactive": _("That agency is no longer in use."),
    "handover_no_consent": _(
        "A warm hand-over needs the family's consent. Record when and how the family agreed first."
    ),
    "handover_note_needed": _("Write what is handed over to the service."),
    "bad_linkage_transition": _("The linkage cannot move to that status from its current one."),
    "no_linkage_follow_up": _("This linkage has no open follow-up."),
    "activity_in_future": _("Record an activity once it has happened."),
    "activity_title_needed": _("Give the activity a title."),
}


class SupportError(Exception):
    """A rule of user support was broken; ``message`` is for the user."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]).format(**self.params)
