"""The one error type of programs and sign-up, with its messages for parents and staff."""

from django.utils.translation import gettext_lazy as _

from hiroba.programs.eligibility import ELIGIBILITY_MESSAGES

PROGRAM_MESSAGES = {
    **ELIGIBILITY_MESSAGES,
    "not_published": _("This program is not open for applications."),
    "no_signup_needed": _("No sign-up is needed for this program: just come along."),
    "started": _("This program has already started."),
    "not_open_yet": _("Applications have not opened yet."),
    "closed": _("Applications are closed."),
    "waiting_for_draw": _("Applications are closed and the lottery will be drawn soon."),
    "full": _("This program is full."),
    "already_entered": _("Your family has already applied for this program."),
    "family_not_current": _("This family card is merged or anonymised."),
    "member_not_in_family": _("A chosen person is not a member of this family."),
    "too_many_people": _("Too many people for one family entry."),
    "not_active": _("This entry is already cancelled or ended."),
    "past_cancel_deadline": _(
        "The deadline for cancelling online has passed. Please call the hub."
    ),
    "no_open_offer": _("There is no open seat offer for this entry."),
    "offer_lapsed": _("Sorry, the time to accept this seat has passed."),
    "not_a_pending_lottery": _("This program has no lottery waiting to be drawn."),
    "draw_not_due": _("The lottery is not due yet."),
    "applications_still_open": _("Applications are still open; draw after they close."),
    "capacity_below_taken": _(
        "The capacity cannot be lower than the seats already taken ({taken})."
    ),
    "session_overlaps": _("The end must be after the start."),
    "last_session": _("A published program needs at least one date. Cancel the program instead."),
    "session_outside_hub": _("The venue belongs to another hub."),
    "no_sessions": _("Add the program's dates before publishing it."),
    "has_entries": _("This program has entries: cancel it instead of deleting it."),
}


class ProgramError(Exception):
    """A rule about programs was broken; ``message`` is for the user."""

    def __init__(self, code: str, **values) -> None:
        super().__init__(code)
        self.code = code
        self.values = values

    @property
    def message(self) -> str:
        text = str(PROGRAM_MESSAGES[self.code])
        return text.format(**self.values) if self.values else text
