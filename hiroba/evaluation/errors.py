"""The refusals of the evaluation services: one error type whose code maps to a message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "satellite_sheet": _(
        "A satellite is evaluated in its main hub's sheet. Switch to the main hub to write it."
    ),
    "sheet_exists": _("{hub} already has a sheet for {year}."),
    "frozen": _(
        "This sheet is published and can no longer be changed. Start a correction to publish "
        "a new version."
    ),
    "stale": _(
        "Someone else changed this sheet while you were working. Nothing was saved; please "
        "look at the page again."
    ),
    "title_needed": _("Write the goal's title."),
    "theme_title_needed": _("Give every theme a title, or leave the whole theme empty."),
    "unknown_indicator": _("There is no indicator {indicator}. Choose one from the list."),
    "not_draft": _("Only a draft can be sent to the ward for review."),
    "not_in_review": _("The sheet must be in review with the ward to be approved."),
    "already_approved": _("This side has already approved the sheet."),
    "not_agreed": _(
        "Both the operator and the ward must approve the sheet before it is published."
    ),
    "not_published": _("Only a published sheet can be corrected."),
    "correction_exists": _("A correction of this sheet has already been started."),
    "no_goals": _("Write at least one key goal before sending the sheet for review."),
    "comment_needed": _("Write the comment."),
    "comment_resolved": _("This comment has already been resolved."),
    "action_in_future": _("An action cannot be logged for a day that has not come yet."),
    "action_outside_year": _("The date must be within {year} ({first} to {last})."),
    "action_text_needed": _("Write what was done."),
    "goal_not_current": _("Actions are logged against this year's key goals only."),
    "import_not_past": _(
        "Only years before {year} can be imported as published. Write this year's sheet here "
        "and review it with the ward."
    ),
    "import_empty": _("No key goals were found in the text, so nothing was saved."),
    "target_range": _("Enter a target from 0 to 99,999,999."),
}


class EvaluationError(Exception):
    def __init__(self, code: str, **params) -> None:
        self.code = code
        self.params = params
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]).format(**self.params)
