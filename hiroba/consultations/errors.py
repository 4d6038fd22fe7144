"""The refusals of the consultation services: one error type whose code maps to a message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "no_consent": _(
        "A referral needs the family's consent. Record when and how the family agreed first."
    ),
    "consent_in_future": _("The time of consent cannot be in the future."),
    "agency_elsewhere": _("Choose an agency of this hub's ward or city."),
    "agency_inactive": _("That agency is no longer in use."),
    "topic_elsewhere": _("Choose topics from this city's list."),
    "household_elsewhere": _("That family is not in this hub's registry."),
    "staff_elsewhere": _("Only staff who record consultations at this hub can be assigned."),
    "in_future": _("The consultation cannot be in the future."),
    "other_fiscal_year": _(
        "The date cannot move to another fiscal year: the case number belongs to its year. "
        "Record a new consultation instead."
    ),
    "follow_up_before": _("The follow-up date cannot be before the consultation."),
    "stale": _(
        "Someone else saved this record while you were editing it. Your changes were not "
        "saved; please open the record again and re-enter them."
    ),
    "bad_transition": _("The referral cannot move to that status from its current one."),
    "no_follow_up": _("This consultation has no open follow-up."),
    "reason_needed": _("State why you need to open this record."),
    "not_needed": _("You can already read this record."),
    "already_acknowledged": _("This opening was already acknowledged."),
    "already_reviewed": _("This month was already reviewed."),
    "month_not_over": _("A month can be reviewed once it is over."),
    "note_empty": _("Write the note."),
}


class ConsultationError(Exception):
    """A rule of the consultation records was broken; ``message`` is for the user."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])
