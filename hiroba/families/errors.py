"""The registry's refusals: one error type whose code maps to a message for the user.

Kept apart from ``services`` so that the write modules split off it (``merging``) and the forms
share one wording without importing each other.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REGISTRY_MESSAGES = {
    "family_needs_caregiver": _("A family needs at least one caregiver."),
    "child_needs_birth_or_due_date": _("Enter the child's date of birth, or the due date."),
    "child_has_no_relation": _("A child has no caregiver relation."),
    "caregiver_needs_relation": _("Choose how the caregiver is related to the children."),
    "household_not_current": _("This family card is merged or anonymised and cannot change."),
    "unknown_consent_purpose": _("Unknown consent purpose."),
    "unknown_consent_action": _("Unknown consent action."),
    "unknown_contact_channel": _("Choose how the family wants to be contacted."),
    "not_pending": _("This family is already registered."),
    "merge_same_card": _("A card cannot be merged into itself."),
    "merge_other_registry": _("Only cards of the same hub's registry can be merged."),
    "household_anonymised": _("This family is already anonymised."),
}


class RegistryError(Exception):
    """A rule of the registry was broken; ``message`` is for the user."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(REGISTRY_MESSAGES[self.code])
